package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A waiting thread's reads of a real socket ({@link FrameDecoder#read}): the decoder fills the buffer of a read again
 * once every frame of it was handed on and none is held, and never while a frame of it is still held or a frame not
 * yet whole is kept in it.
 */
class FrameDecoderReadTest {
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private ServerSocketChannel server;
    private SocketChannel writer;
    private SocketChannel reader;
    /** The frames handed on, held until the test releases them. */
    private final List<ByteBuf> held = new ArrayList<>();
    /** Whether the sink keeps the frames it gets (else it copies and releases them at once). */
    private boolean hold;
    private final List<byte[]> seen = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder(1 << 20, new FrameDecoder.Sink() {
        @Override
        public void frame(ByteBuf frame) {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), bytes);
            seen.add(bytes);
            if (hold) {
                held.add(frame);
            } else {
                frame.release();
            }
        }

        @Override
        public void refuse(Fault fault, String detail) {
            throw new AssertionError(fault + ": " + detail);
        }

        @Override
        public boolean handshaking() {
            return false;
        }
    }, null);

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        writer = SocketChannel.open(server.getLocalAddress());
        reader = server.accept();
        reader.configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        held.forEach(ByteBuf::release);
        writer.close();
        reader.close();
        server.close();
    }

    /** A DATA frame whose payload is {@code n} bytes of the value {@code n}. */
    private static byte[] frame(int sequence, int n) {
        byte[] payload = new byte[n];
        java.util.Arrays.fill(payload, (byte) n);
        ByteBuf b = Frames.data(ALLOC, sequence, Message.of(new Capability(new Address("node-b", 1), Right.ALL_BITS, 1, 2), "t", "x"),
                payload);
        try {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            return bytes;
        } finally {
            b.release();
        }
    }

    private void write(byte[] bytes, int from, int to) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes, from, to - from);
        while (out.hasRemaining()) {
            writer.write(out);
        }
    }

    /** Reads until {@code frames} more frames were handed on. */
    private void readFrames(int frames) throws IOException {
        int before = seen.size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < before + frames) {
            assertThat(decoder.read(reader, ALLOC)).isNotNegative();
            assertThat(System.nanoTime()).as("the frames arrive").isLessThan(deadline);
        }
    }

    @Test
    void shouldHandOnEveryFrameIntactWhetherTheBufferOfItsReadIsFilledAgainOrHeld() throws IOException {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            // some frames are held by the sink past their read, some reads end inside a frame
            hold = i % 3 == 0;
            byte[] f = frame(i, 50 + 37 * i);
            sent.add(f);
            if (i % 4 == 0) {
                write(f, 0, f.length / 2);
                readUntilNothing();
                write(f, f.length / 2, f.length);
            } else {
                write(f, 0, f.length);
            }
            readFrames(1);
        }
        assertThat(seen).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(seen.get(i)).as("frame " + (i + 1)).isEqualTo(sent.get(i));
        }
        // the frames held since their reads were not overwritten by the reads after them
        for (ByteBuf h : held) {
            byte[] now = new byte[h.readableBytes()];
            h.getBytes(h.readerIndex(), now);
            int sequence = (int) h.getLong(h.readerIndex() + org.fos.transport.api.FrameDescriptor.SEQUENCE_OFFSET);
            assertThat(now).as("held frame " + sequence).isEqualTo(sent.get(sequence - 1));
        }
        assertThat(held).hasSize(20);
    }

    /** Reads what the socket holds until a read finds nothing (the half frame is kept). */
    private void readUntilNothing() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (decoder.buffered() == 0) {
            assertThat(decoder.read(reader, ALLOC)).isZero();
            assertThat(System.nanoTime()).as("the half frame arrives").isLessThan(deadline);
        }
    }
}
