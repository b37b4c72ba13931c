package org.fos.transport.tcp.impl;

import java.nio.channels.SocketChannel;
import java.util.List;

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
        /** A channel the dialler opens. */
        Client() {
        }

        Client(Channel parent, SocketChannel socket) {
            super(parent, socket);
        }

        SocketChannel socket() {
            return javaChannel();
        }
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
