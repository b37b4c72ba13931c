package org.fos.transport.tcp.impl;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials the peers the sources name (the static {@code peers} setting, the cluster membership) and
 * dials again, with exponential backoff and jitter, when a connection to one of them is lost or
 * cannot be made. It keeps the peers' addresses and dial state in the transport's table of peers;
 * the transport gives it, at construction, how to set up the channel of a dialled connection.
 * Thread-safe.
 */
final class Dialler {
    private static final Logger LOG = LoggerFactory.getLogger(Dialler.class);

    /** Sets up the pipeline of a channel this node dials. */
    interface Channels {
        /**
         * @param channel the new channel
         * @param node the node it dials
         */
        void init(SocketChannel channel, String node);
    }

    private final String nodeId;
    private final TransportSettings settings;
    private final Counters counters;
    private final EventLoopGroup group;
    private final Bootstrap dialer;
    private final ConcurrentHashMap<String, Peer> peers;
    private final Channels channels;
    private final Map<String, Map<String, InetSocketAddress>> sources = new LinkedHashMap<>();
    private volatile boolean closed;

    Dialler(String nodeId, TransportSettings settings, Counters counters, EventLoopGroup group, Bootstrap dialer,
            ConcurrentHashMap<String, Peer> peers, Channels channels) {
        this.nodeId = nodeId;
        this.settings = settings;
        this.counters = counters;
        this.group = group;
        this.dialer = dialer;
        this.peers = peers;
        this.channels = channels;
    }

    /**
     * Sets the endpoints one source knows; where sources disagree the one set first wins. A node no
     * source names any more is not dialled again.
     */
    void peers(String source, Map<String, InetSocketAddress> endpoints) {
        Objects.requireNonNull(source, "source");
        Map<String, InetSocketAddress> merged = new HashMap<>();
        synchronized (sources) {
            sources.put(source, Map.copyOf(endpoints));
            for (Map<String, InetSocketAddress> s : sources.values()) {
                s.forEach(merged::putIfAbsent);
            }
        }
        merged.remove(nodeId);
        for (String node : merged.keySet()) {
            peers.computeIfAbsent(node, Peer::new);
        }
        for (Peer p : peers.values()) {
            synchronized (p) {
                p.address = merged.get(p.node);
                if (p.address == null && p.active == null && p.dialing == null) {
                    // no source names it any more and no connection holds it: nothing of it stays
                    if (p.pendingDial != null) {
                        p.pendingDial.cancel(false);
                        p.pendingDial = null;
                    }
                    peers.remove(p.node, p);
                    continue;
                }
            }
            scheduleDial(p);
        }
    }

    /** Dials a peer after its backoff, unless it is connected, being dialled, or no source names it. */
    void scheduleDial(Peer p) {
        synchronized (p) {
            if (closed || p.address == null || p.active != null || p.dialing != null || p.pendingDial != null) {
                return;
            }
            long delay = backoff(p.attempts);
            try {
                p.pendingDial = group.next().schedule(() -> dial(p), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                p.pendingDial = null;
            }
        }
    }

    /** No delay before the first attempt; then exponential from reconnectMinMillis to reconnectMaxMillis, with jitter. */
    private long backoff(int attempts) {
        if (attempts == 0) {
            return 0;
        }
        long max = settings.reconnectMaxMillis();
        long d = settings.reconnectMinMillis() << Math.min(attempts - 1, 30);
        if (d <= 0 || d > max) {
            d = max;
        }
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }

    private void dial(Peer p) {
        InetSocketAddress target;
        Channel ch;
        synchronized (p) {
            p.pendingDial = null;
            if (closed || p.address == null || p.active != null || p.dialing != null) {
                return;
            }
            target = p.address;
            p.attempts++;
            counters.dialled.increment();
            ChannelFuture f = dialer.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel sc) {
                    channels.init(sc, p.node);
                }
            }).connect(target);
            ch = f.channel();
            p.dialing = ch;
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    counters.dialFailures.increment();
                    LOG.debug("node {}: dialling {} at {} failed: {}", nodeId, p.node, target, done.cause().toString());
                }
            });
        }
        ch.closeFuture().addListener(done -> {
            synchronized (p) {
                if (p.dialing == ch) {
                    p.dialing = null;
                }
            }
            scheduleDial(p);
        });
    }

    /** Whether a source (the membership, the static peers) names a node now. */
    boolean names(String node) {
        Peer p = peers.get(node);
        if (p == null) {
            return false;
        }
        synchronized (p) {
            return p.address != null;
        }
    }

    /** A connection this node dialled to a node was refused, by either end. */
    void refused(String node, String detail) {
        Peer p = peers.get(node);
        if (p != null) {
            p.refusal = detail;
        }
    }

    /** Why the last connection dialled to a node was refused, if none has been established since; or null. */
    String refusal(String node) {
        Peer p = peers.get(node);
        return p == null ? null : p.refusal;
    }

    /** Dials no more: the transport stops. */
    void close() {
        closed = true;
        for (Peer p : peers.values()) {
            synchronized (p) {
                if (p.pendingDial != null) {
                    p.pendingDial.cancel(false);
                    p.pendingDial = null;
                }
            }
        }
    }
}
