package org.fos.itests;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.fos.kernel.spi.PayloadCodec;

/**
 * A second fos endpoint inside the test JVM, written only from {@code docs/wire.md}: it listens,
 * answers a node's HELLO, delivers DATA frames exactly once in order (go-back-N, as a kernel does),
 * acknowledges each, and keeps its state across connections, as a node that stays up while the
 * other side's transport is replaced.
 */
final class WirePeer implements AutoCloseable {
    private static final int MAGIC = 0x464F5357;
    private static final int HEADER = 64;
    private static final int HELLO = 1;
    private static final int DATA = 2;
    private static final int ACK = 3;
    private static final int HEARTBEAT = 4;

    private final String nodeId;
    private final String expectedPeer;
    private final PayloadCodec codec;
    private final long epoch = ThreadLocalRandom.current().nextLong() | 1;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Object> delivered = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicReference<String> error = new AtomicReference<>();
    private volatile Socket current;
    private volatile boolean closed;
    private long highest;

    WirePeer(String nodeId, String expectedPeer, PayloadCodec codec) throws IOException {
        this.nodeId = nodeId;
        this.expectedPeer = expectedPeer;
        this.codec = codec;
        this.server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::serve, "wire-peer-" + nodeId);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    String error() {
        return error.get();
    }

    synchronized List<Object> delivered() {
        return List.copyOf(delivered);
    }

    private void serve() {
        while (!closed) {
            try (Socket s = server.accept()) {
                current = s;
                s.setTcpNoDelay(true);
                s.setSoTimeout(300);
                connections.incrementAndGet();
                talk(new DataInputStream(s.getInputStream()), new DataOutputStream(s.getOutputStream()));
            } catch (EOFException e) {
                // the node closed the connection: wait for the next one
            } catch (IOException e) {
                if (!closed && !(e instanceof java.net.SocketException)) {
                    error.compareAndSet(null, e.toString());
                }
            }
        }
    }

    private void talk(DataInputStream in, DataOutputStream out) throws IOException {
        writeHello(out);
        byte[] header = new byte[HEADER];
        while (!closed) {
            try {
                in.readFully(header, 0, 1);
            } catch (SocketTimeoutException idle) {
                frame(out, HEARTBEAT, 0, new byte[0]);
                continue;
            }
            in.readFully(header, 1, HEADER - 1);
            java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(header);
            if (h.getInt(0) != MAGIC || h.get(4) != 1) {
                throw new IOException("not a fos frame");
            }
            byte[] body = new byte[h.getInt(8)];
            in.readFully(body);
            int type = h.get(5);
            if (type == HELLO) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
                b.position(10);
                String peer = string(b);
                if (!expectedPeer.equals(peer)) {
                    error.compareAndSet(null, "HELLO from " + peer);
                }
            } else if (type == DATA) {
                onData(out, h.getLong(16), body);
            }
        }
    }

    private void onData(DataOutputStream out, long sequence, byte[] body) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
        string(b); // the message type; Message.of has no sender and no reply capability
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        long ack;
        synchronized (this) {
            if (sequence == highest + 1) {
                delivered.add(codec.decode(payload));
                highest = sequence;
            }
            ack = highest;
        }
        byte[] none = new byte[0];
        frame(out, ACK, ack, none);
    }

    private static String string(java.nio.ByteBuffer b) {
        int n = b.getShort() & 0xFFFF;
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private void writeHello(DataOutputStream out) throws IOException {
        byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
        byte[] cluster = "fos".getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 2 + 2 + node.length + 2 + cluster.length);
        b.putLong(epoch).putShort((short) 1).putShort((short) node.length).put(node).putShort((short) cluster.length).put(cluster);
        frame(out, HELLO, 0, b.array());
    }

    private static void frame(DataOutputStream out, int type, long sequence, byte[] body) throws IOException {
        out.writeInt(MAGIC);
        out.writeByte(1);
        out.writeByte(type);
        out.writeShort(0);
        out.writeInt(body.length);
        out.writeInt(0);
        out.writeLong(sequence);
        out.write(new byte[HEADER - 24]);
        out.write(body);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        Socket s = current;
        if (s != null) {
            s.close();
        }
    }
}
