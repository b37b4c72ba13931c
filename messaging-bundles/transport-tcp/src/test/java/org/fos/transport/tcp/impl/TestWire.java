package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import org.awaitility.Awaitility;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.transport.api.FrameDescriptor;

/** What the tests that speak raw frames to a transport share: sockets, frames, and a check that a good link still serves. */
final class TestWire {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    private TestWire() {
    }

    static Socket connect(TcpTransport to) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout((int) WAIT.toMillis());
        s.connect(new InetSocketAddress("127.0.0.1", to.port()));
        return s;
    }

    static byte[] bytes(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    static byte[] header(int magic, int version, int type, int flags, int bodyLength) {
        ByteBuf b = ALLOC.buffer(FrameDescriptor.HEADER_LENGTH);
        b.writeInt(magic).writeByte(version).writeByte(type).writeShort(flags).writeInt(bodyLength);
        b.writeZero(FrameDescriptor.HEADER_LENGTH - b.writerIndex());
        return bytes(b);
    }

    /** Reads frames until one of the type arrives; returns it (header and body). */
    static byte[] readFrame(DataInputStream in, byte type) throws IOException {
        while (true) {
            byte[] header = new byte[FrameDescriptor.HEADER_LENGTH];
            in.readFully(header);
            int bodyLength = Unpooled.wrappedBuffer(header).getInt(FrameDescriptor.BODY_LENGTH_OFFSET);
            byte[] frame = new byte[header.length + bodyLength];
            System.arraycopy(header, 0, frame, 0, header.length);
            in.readFully(frame, header.length, bodyLength);
            if (frame[FrameDescriptor.TYPE_OFFSET] == type) {
                return frame;
            }
        }
    }

    /** Reads until the peer closes (or resets) the connection. */
    static void drainUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // what the peer says before it closes
            }
        } catch (SocketException e) {
            // reset by the peer: closed as well
        }
    }

    /** Two linked nodes exchange a message each way. */
    static void assertExchange(TestNode a, Mailbox aInbox, TestNode b, Mailbox bInbox, long round) throws InterruptedException {
        assertThat(b.kernel.send(Message.of(aInbox.capability(), "ping", round))).isEqualTo(Status.OK);
        Message m = aInbox.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(m).isNotNull();
        assertThat(m.payload()).isEqualTo(round);
        assertThat(a.kernel.send(Message.of(bInbox.capability(), "pong", round))).isEqualTo(Status.OK);
        Message r = bInbox.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).isNotNull();
        assertThat(r.payload()).isEqualTo(round);
    }

    /**
     * Holds every event loop of a transport until {@code release} opens, and returns once each of
     * them is held: until then only a waiting thread can read the transport's sockets.
     */
    static void holdEventLoops(TcpTransport t, CountDownLatch release) throws InterruptedException {
        AtomicInteger holding = new AtomicInteger();
        int loops = t.onEveryEventLoop(() -> {
            holding.incrementAndGet();
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Awaitility.await("event loops held").atMost(WAIT).until(() -> holding.get() == loops);
    }
}
