package org.fos.transport.tcp.impl;

import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's NIO channels, opened so that a {@link LinkStream} may write a frame to the socket from the
 * sending thread while the connection is idle, instead of waking the event loop to write it (ADR
 * 0101). Netty keeps reading, and writes everything else; {@link LinkStream} decides, under its lock,
 * when the socket is the sender's to write.
 *
 * <p>Reading is shared the same way (ADR 0123): a thread of the node that waits for a message may read
 * the socket itself ({@link Connection#assist()}), under the channel's read lock ({@link Client#reading}),
 * which the event loop takes for each of its reads too and holds until its {@link FrameDecoder} has
 * handed on what it read.
 */
final class SenderWritable {
    private static final Logger LOG = LoggerFactory.getLogger(SenderWritable.class);

    private SenderWritable() {
    }

    /**
     * The socket of a channel of this transport, or null for a channel of another kind.
     *
     * @param ch a channel
     * @return its non-blocking socket
     */
    static SocketChannel socket(Channel ch) {
        return ch instanceof Client c ? c.socket() : null;
    }

    /** A connection's channel, dialled or accepted. */
    static final class Client extends NioSocketChannel {
        /** Held by whoever reads the socket, from the read to the last frame it completes (see {@link FrameDecoder}). */
        final ReentrantLock reading = new ReentrantLock();
        /** Whether threads other than the event loop may read (no TLS); set before the channel is registered. */
        private volatile boolean shared;

        /** A channel the dialler opens. */
        Client() {
        }

        Client(Channel parent, SocketChannel socket) {
            super(parent, socket);
        }

        SocketChannel socket() {
            return javaChannel();
        }

        /**
         * The event loop's read: under the read lock, which the {@link FrameDecoder} gives back once it
         * has handed on what was read. If a waiting thread reads now, the event loop gives up its core
         * once (the scheduler may have taken that thread off its core to run the event loop) and reads
         * nothing if the lock is still taken; the selector reports the socket again for whatever that
         * thread leaves in it.
         */
        @Override
        protected int doReadBytes(ByteBuf buf) throws Exception {
            if (!shared) {
                return super.doReadBytes(buf);
            }
            if (!reading.tryLock()) {
                Thread.yield();
                if (!reading.tryLock()) {
                    return 0;
                }
            }
            int n = 0;
            try {
                n = super.doReadBytes(buf);
                return n;
            } finally {
                if (n <= 0) {
                    reading.unlock(); // nothing goes on to the decoder
                }
            }
        }
    }

    /**
     * Lets threads other than the event loop read a channel of this transport, under its read lock,
     * which the event loop then takes for its reads too. Before the channel reads anything.
     *
     * @param ch a channel
     * @return its read lock, or null for a channel of another kind (which only its event loop reads)
     */
    static ReentrantLock reading(Channel ch) {
        if (ch instanceof Client c) {
            c.shared = true;
            return c.reading;
        }
        return null;
    }

    /** The listening channel: it accepts connections as {@link Client} channels. */
    static final class Server extends NioServerSocketChannel {
        /** The listener the server bootstrap opens. */
        Server() {
        }

        @Override
        protected int doReadMessages(List<Object> buf) throws Exception {
            SocketChannel accepted = javaChannel().accept();
            if (accepted == null) {
                return 0;
            }
            try {
                buf.add(new Client(this, accepted));
                return 1;
            } catch (RuntimeException e) {
                LOG.warn("could not take an accepted connection from {}: {}", accepted.getRemoteAddress(), e.toString());
                accepted.close();
                return 0;
            }
        }
    }
}
