package org.fos.kernel.impl;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.ClientLimits;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.ParkedReader;
import org.fos.kernel.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The links of this node to other nodes, and the {@link Links} the transports are given: the
 * transports and the choice of one for each node, numbering, the buffer of unacknowledged messages,
 * repeats, and exactly-once, in-order delivery of what arrives (go-back-N). It lives in the kernel, so
 * that a transport can be replaced without losing or repeating a message.
 *
 * <p>Messages pass through it one way. Out: the kernel hands it a message for another node
 * ({@link #forward}), it numbers it and gives it to the cheapest transport ({@link Transport#transmit}).
 * In: a transport hands it a message ({@link #deliver(String, long, long, Message, ClientLimits)}), it
 * drops repeats and gaps and puts the rest into a mailbox through the {@link Inbox} the kernel gave it
 * when it built it. Thread-safe; no method blocks.
 */
final class LinkTable implements Links {
    private static final Logger LOG = LoggerFactory.getLogger(LinkTable.class);

    /** A message waiting for its acknowledgement. */
    private record Outbound(long sequence, Message message, long sentNanos) {
    }

    /** One link. Outbound state is guarded by the link, inbound state by {@link #in}. */
    private static final class Link {
        final String node;
        final ArrayDeque<Outbound> unacked = new ArrayDeque<>();
        long nextSequence;
        long peerEpoch;
        long sent;
        long retransmitted;
        final Object in = new Object();
        long inEpoch;
        long delivered;
        long duplicates;
        long outOfOrder;
        long deferred;

        Link(String node) {
            this.node = node;
        }
    }

    private final ConcurrentHashMap<String, Link> links = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Transport> transports = new CopyOnWriteArrayList<>();
    /** The transports as an array, for {@link #assist()}: walked without an iterator. */
    private volatile Transport[] assisting = new Transport[0];
    private final Inbox inbox;
    private final java.util.function.Consumer<Message> notices;
    private final int capacity;
    private final long retransmitNanos;
    private final long epoch;

    /**
     * @param inbox where messages from other nodes go: the node's mailboxes
     * @param capacity the most unacknowledged messages a link keeps
     * @param retransmitNanos how long a message may wait for its acknowledgement before it is sent again
     */
    LinkTable(Inbox inbox, int capacity, long retransmitNanos) {
        this(inbox, capacity, retransmitNanos, notice -> { });
    }

    /**
     * @param notices sends the {@link Message#UNDELIVERED} notice of a message refused for good back to
     *        its sender's reply capability (the kernel's send, outside every lock of this table)
     */
    LinkTable(Inbox inbox, int capacity, long retransmitNanos, java.util.function.Consumer<Message> notices) {
        this.notices = Objects.requireNonNull(notices, "notices");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.capacity = capacity;
        this.retransmitNanos = retransmitNanos;
        SecureRandom random = new SecureRandom();
        long e;
        do {
            e = random.nextLong();
        } while (e == 0);
        this.epoch = e;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    // ---------------------------------------------------------------- transports

    void addTransport(Transport transport) {
        transports.add(transport);
        assisting = transports.toArray(new Transport[0]);
    }

    void removeTransport(Transport transport) {
        transports.remove(transport);
        assisting = transports.toArray(new Transport[0]);
    }

    /**
     * Lends the calling thread, a receiver waiting for a message, to every transport
     * ({@link Transport#assist}); allocates nothing.
     *
     * @return the frames the transports read on it: positive if a transport that reads memory read any
     *         ({@link Transport#assistMakesSystemCalls()} false), negative (minus the frames) if only
     *         transports that read with system calls did, 0 if none
     */
    int assist() {
        int memory = 0;
        int systemCalls = 0;
        for (Transport t : assisting) {
            try {
                int frames = t.assist();
                if (frames <= 0) {
                    continue;
                }
                if (t.assistMakesSystemCalls()) {
                    systemCalls += frames;
                } else {
                    memory += frames;
                }
            } catch (RuntimeException e) {
                LOG.debug("transport {} failed while a waiting receiver lent it its thread", t, e);
            }
        }
        return memory > 0 ? memory + systemCalls : -systemCalls;
    }

    /**
     * Hands the calling thread, a receiver about to park for a message from another node, the first
     * transport's {@link ParkedReader} that is free ({@link Transport#parkedReader()}).
     *
     * @return the reader, the caller's until it releases it; null if no transport has one free
     */
    ParkedReader parkedReader() {
        for (Transport t : assisting) {
            try {
                ParkedReader r = t.parkedReader();
                if (r != null) {
                    return r;
                }
            } catch (RuntimeException e) {
                LOG.debug("transport {} failed to hand out its parked reader", t, e);
            }
        }
        return null;
    }

    List<Transport> transports() {
        return List.copyOf(transports);
    }

    /** Adds the node of every link this node has had. */
    void nodesInto(java.util.Set<String> out) {
        out.addAll(links.keySet());
    }

    /** The cheapest transport that reaches a node now, or null. */
    Transport route(String node) {
        Transport best = null;
        int bestCost = Integer.MAX_VALUE;
        for (Transport t : transports) {
            int c;
            try {
                c = t.cost(node);
            } catch (RuntimeException e) {
                LOG.warn("transport {} failed to say whether it reaches node {}", t, node, e);
                continue;
            }
            if (c >= 0 && c < bestCost) {
                best = t;
                bestCost = c;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- outbound

    /**
     * Numbers a message for its node and transmits it.
     *
     * @return OK if the link took it; FULL if its buffer is full; NO_ROUTE if no transport has ever
     *         reached the node
     */
    Status forward(String node, Message message) {
        Transport t = route(node);
        Link l = t != null ? links.computeIfAbsent(node, Link::new) : links.get(node);
        if (l == null) {
            return Status.NO_ROUTE;
        }
        synchronized (l) {
            if (l.unacked.size() >= capacity) {
                return Status.FULL;
            }
            long seq = ++l.nextSequence;
            long now = System.nanoTime();
            l.unacked.add(new Outbound(seq, message, now));
            l.sent++;
            if (t != null) {
                transmit(t, l, seq, message);
            }
        }
        return Status.OK;
    }

    private static void transmit(Transport t, Link l, long seq, Message m) {
        try {
            t.transmit(l.node, seq, m);
        } catch (RuntimeException e) {
            LOG.warn("transport {} failed to take message {} for node {}", t, seq, l.node, e);
        }
    }

    @Override
    public void acknowledged(String node, long sequence) {
        Link l = links.get(node);
        if (l == null) {
            return;
        }
        synchronized (l) {
            while (!l.unacked.isEmpty() && l.unacked.peekFirst().sequence() <= sequence) {
                l.unacked.pollFirst();
            }
        }
    }

    @Override
    public void connected(String node, long peerEpoch) {
        Link l = links.computeIfAbsent(node, Link::new);
        synchronized (l) {
            if (l.peerEpoch != 0 && l.peerEpoch != peerEpoch) {
                if (!l.unacked.isEmpty()) {
                    LOG.warn("node {} restarted: {} messages for its former incarnation are dropped", node, l.unacked.size());
                }
                l.unacked.clear();
                l.nextSequence = 0;
            }
            l.peerEpoch = peerEpoch;
            resend(l, System.nanoTime());
        }
    }

    /** Sends again every message that waited longer than the retransmit time for its acknowledgement. */
    void retransmitOverdue() {
        long now = System.nanoTime();
        for (Link l : links.values()) {
            synchronized (l) {
                Outbound first = l.unacked.peekFirst();
                if (first != null && now - first.sentNanos() >= retransmitNanos) {
                    resend(l, now);
                }
            }
        }
    }

    private void resend(Link l, long now) {
        if (l.unacked.isEmpty()) {
            return;
        }
        Transport t = route(l.node);
        if (t == null) {
            return;
        }
        int n = l.unacked.size();
        for (int i = 0; i < n; i++) {
            Outbound o = l.unacked.pollFirst();
            transmit(t, l, o.sequence(), o.message());
            l.unacked.addLast(new Outbound(o.sequence(), o.message(), now));
        }
        l.retransmitted += n;
    }

    // ---------------------------------------------------------------- inbound

    @Override
    public long deliver(String from, long peerEpoch, long sequence, Message message) {
        return deliver(from, peerEpoch, sequence, message, null);
    }

    @Override
    public long deliver(String from, long peerEpoch, long sequence, Message message, ClientLimits limits) {
        Link l = links.computeIfAbsent(from, Link::new);
        Status refused;
        long delivered;
        synchronized (l.in) {
            if (peerEpoch != l.inEpoch) {
                l.inEpoch = peerEpoch;
                l.delivered = 0;
            }
            if (sequence <= l.delivered) {
                l.duplicates++;
                return l.delivered;
            }
            if (sequence != l.delivered + 1) {
                l.outOfOrder++;
                return l.delivered;
            }
            Status s = inbox.deliver(message, limits);
            if (s == Status.FULL) {
                l.deferred++;
                return l.delivered;
            }
            l.delivered = sequence;
            delivered = sequence;
            refused = s;
        }
        if (refused != Status.OK && message.replyTo() != null && !Message.UNDELIVERED.equals(message.type())) {
            notices.accept(undelivered(message, refused));
        }
        return delivered;
    }

    /** The notice that tells the sender of {@code message} that it was refused for good. */
    private static Message undelivered(Message message, Status refused) {
        String why = switch (refused) {
            case CLOSED -> "its mailbox is closed";
            case FORGED -> "its capability is not one this node issued (it may be from before the node restarted)";
            case REVOKED -> "its capability was revoked";
            case NO_RIGHT -> "its capability lacks the right to send";
            case NO_ROUTE -> "it was sent to the wrong node (a node never relays)";
            default -> "it was refused";
        };
        return new Message(null, message.replyTo(), null, message.correlationId(), Message.UNDELIVERED,
                refused.name() + " " + message.to().address() + " " + why);
    }

    List<LinkInfo> info() {
        List<LinkInfo> out = new ArrayList<>();
        for (Link l : links.values()) {
            int unacked;
            long sent;
            long retransmitted;
            synchronized (l) {
                unacked = l.unacked.size();
                sent = l.sent;
                retransmitted = l.retransmitted;
            }
            synchronized (l.in) {
                out.add(new LinkInfo(l.node, sent, unacked, retransmitted, l.delivered, l.duplicates, l.outOfOrder, l.deferred));
            }
        }
        out.sort(Comparator.comparing(LinkInfo::node));
        return out;
    }
}
