package org.fos.transport.tcp.impl;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.fos.kernel.spi.ParkedReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's {@link ParkedReader} (ADR 0124): a selector of its own over the sockets of the
 * peers' active plain connections (the event loops' selectors watch the same sockets), in which one
 * thread of the node at a time, a receiver about to park for a message from another node, waits.
 * When a socket has something to read the thread wakes, reads it under the channel's read lock and
 * hands it on exactly as a spinning waiter does ({@link Connection#assist}); a producer of its
 * mailbox wakes it with {@link Selector#wakeup()}.
 *
 * <p>The selector watches the sockets for reads from a holder's first wait until a holding ends more than
 * {@link #KEEP_WATCHING_NANOS} after the last one did (ADR 0125): between the rare waits of threads that mostly
 * spin, arriving segments call on no selector of theirs.
 *
 * <p>While a thread waits here the event loops lend their reads (they stop watching those sockets,
 * {@link Connection#lendReads}), so that a message wakes one thread, the reader, not two.
 *
 * <p>A socket registered with two selectors is closed for good only when both have dropped it; a
 * selector drops a cancelled key at its next selection. So when a connection leaves, its key is
 * cancelled and the selector flushed at once by a {@link Selector#selectNow()}, on the calling thread
 * if no one holds the reader, else by the holder before it gives the reader back: the peer sees the
 * connection close when the event loop closes it, not when a thread next parks.
 */
final class ParkedReads implements ParkedReader {
    private static final Logger LOG = LoggerFactory.getLogger(ParkedReads.class);

    /**
     * A holding this long is a receiver that waits for a quiet link, not a ping-pong: the event loops stop
     * looking whether their lent reads are still read ({@link Connection#watchLentReads}), and the holder
     * gives them back when it leaves.
     */
    static final long HELD_LONG_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * Holdings further apart than this are rare: the holder that ends one stops the sockets' watch as it
     * leaves, so that threads which spin while they wait, and park only now and then, do not make every
     * arriving segment call on this selector; holdings closer together keep the watch.
     */
    static final long KEEP_WATCHING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Who holds the reader, since when, and whether to wait in it (or only to flush its selector). */
    private record Holding(Thread thread, long since, boolean waits) {
    }

    private final Selector selector;
    private final Counters counters;
    /** Gives the event loops their lent reads back; called by a holder that held the reader long. */
    private final Runnable takeReadsBack;
    private final long keepWatchingNanos;
    /** Who holds the reader, or null. */
    private final AtomicReference<Holding> holder = new AtomicReference<>();
    /** The registered connections and their keys; under {@code this}. */
    private final Map<Connection, SelectionKey> keys = new IdentityHashMap<>();
    /**
     * Whether the keys watch their sockets for reads (else their interest is none, and the sockets' wait queues
     * do not call on this selector for every segment that arrives); written under {@code this}.
     */
    private volatile boolean armed;
    /** When the last holder gave the reader back ({@link System#nanoTime()}); written by holders only. */
    private volatile long lastRelease = System.nanoTime() - (Long.MAX_VALUE >> 1);
    /** Whether keys were cancelled that the selector has not dropped yet. */
    private volatile boolean cancelled;
    private volatile boolean closed;

    /**
     * @param counters counts the frames parked threads read
     * @param takeReadsBack gives the event loops every lent read back (see {@link #HELD_LONG_NANOS})
     * @throws IllegalStateException if no selector can be opened
     */
    ParkedReads(Counters counters, Runnable takeReadsBack) {
        this(counters, takeReadsBack, KEEP_WATCHING_NANOS);
    }

    /**
     * @param counters counts the frames parked threads read
     * @param takeReadsBack gives the event loops every lent read back (see {@link #HELD_LONG_NANOS})
     * @param keepWatchingNanos holdings further apart than this stop the sockets' watch as they end
     *        ({@link #KEEP_WATCHING_NANOS} in a node)
     * @throws IllegalStateException if no selector can be opened
     */
    ParkedReads(Counters counters, Runnable takeReadsBack, long keepWatchingNanos) {
        this.counters = counters;
        this.takeReadsBack = takeReadsBack;
        this.keepWatchingNanos = keepWatchingNanos;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector for parked readers: " + e.getMessage(), e);
        }
    }

    /**
     * Hands the reader to the calling thread if no one holds it.
     *
     * @return this, or null if another thread holds it or the transport is closed
     */
    ParkedReader take() {
        return !closed && holder.get() == null && holder.compareAndSet(null, new Holding(Thread.currentThread(), System.nanoTime(), true))
                ? this : null;
    }

    /** Whether the sockets are watched for reads now: from a holder's first wait until a rare holding ends. */
    boolean watching() {
        return armed;
    }

    /** Whether a thread waits in the reader now (or is about to, or has just woken). */
    boolean held() {
        Holding h = holder.get();
        return h != null && h.waits();
    }

    /**
     * Whether a thread has held the reader for {@link #HELD_LONG_NANOS} or longer: it then gives the
     * event loops their lent reads back when it leaves.
     */
    boolean heldLong(long now) {
        Holding h = holder.get();
        return h != null && h.waits() && now - h.since() >= HELD_LONG_NANOS;
    }

    private void checkHolder() {
        Holding h = holder.get();
        if (h == null || h.thread() != Thread.currentThread() || !h.waits()) {
            throw new IllegalStateException("a thread that does not hold the parked reader used it");
        }
    }

    @Override
    public int await(long nanos) {
        checkHolder();
        if (closed) {
            return -1;
        }
        if (!armed) {
            watchSockets(true);
        }
        try {
            selector.select(Math.max(1, nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1))); // 0 would wait for ever
            return readReady();
        } catch (IOException | ClosedSelectorException e) {
            // the transport closes (its selector with it) while this thread waits or reads: park as usual
            return -1;
        }
    }

    /** Reads the sockets the last selection found readable: the frames read, or -1 if none and one refused. */
    private int readReady() {
        int frames = 0;
        boolean refused = false;
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            int read = ((Connection) key.attachment()).readParked();
            if (read < 0) {
                refused = true;
            } else {
                frames += read;
            }
        }
        if (frames > 0) {
            counters.readByParkedThreads.add(frames);
            return frames;
        }
        return refused ? -1 : 0;
    }

    /** Sets every key's interest to reads ({@code on}) or none; the selector applies it at its next selection. */
    private synchronized void watchSockets(boolean on) {
        for (SelectionKey key : keys.values()) {
            try {
                key.interestOps(on ? SelectionKey.OP_READ : 0);
            } catch (CancelledKeyException e) {
                // its connection left: the next watch drops it
            }
        }
        armed = on;
    }

    @Override
    public void wake() {
        selector.wakeup();
    }

    @Override
    public void release() {
        checkHolder();
        long now = System.nanoTime();
        if (now - lastRelease >= keepWatchingNanos && !closed) {
            // a rare holding: the sockets are not watched until the next, and what they hold now is read
            watchSockets(false);
            try {
                cancelled = false;
                selector.selectNow();
                readReady();
            } catch (IOException | ClosedSelectorException e) {
                LOG.debug("leaving the parked readers' selector", e);
            }
        }
        lastRelease = now;
        long since = holder.getAndSet(null).since();
        if (cancelled) {
            flush();
        }
        if (System.nanoTime() - since >= HELD_LONG_NANOS) {
            takeReadsBack.run(); // the event loops may have stopped looking (see HELD_LONG_NANOS)
        }
    }

    /**
     * Watches exactly these connections' sockets from now on: registers the new ones, cancels the
     * keys of the others.
     *
     * @param active the peers' active connections; those without a plain socket are left out
     */
    synchronized void watch(Connection[] active) {
        if (closed) {
            return;
        }
        Map<Connection, SelectionKey> stay = new IdentityHashMap<>();
        boolean added = false;
        for (Connection c : active) {
            SelectionKey key = keys.remove(c);
            if (key == null) {
                key = register(c);
                added |= key != null;
            }
            if (key != null) {
                stay.put(c, key);
            }
        }
        boolean dropped = !keys.isEmpty();
        keys.forEach((c, key) -> {
            c.watchedByParkedReader(false);
            key.cancel();
        });
        keys.clear();
        keys.putAll(stay);
        stay.keySet().forEach(c -> c.watchedByParkedReader(true));
        if (dropped) {
            cancelled = true;
            flush();
        }
        if (added) {
            // a selection in progress watches only the sockets registered before it began: the holder
            // selects again, now with the new ones (their event loops lend their reads to it meanwhile)
            selector.wakeup();
        }
    }

    private SelectionKey register(Connection c) {
        SocketChannel socket = c.plainSocket();
        if (socket == null) {
            return null;
        }
        try {
            return socket.register(selector, armed ? SelectionKey.OP_READ : 0, c);
        } catch (ClosedChannelException | ClosedSelectorException | IllegalArgumentException e) {
            return null; // closing: the connection leaves the list next
        } catch (RuntimeException e) {
            LOG.debug("could not watch {} for parked readers", c, e);
            return null;
        }
    }

    /**
     * Makes the selector drop cancelled keys now: on this thread if no one holds the reader, else by
     * waking the holder, who flushes before it gives the reader back ({@link #release}).
     */
    private void flush() {
        if (holder.compareAndSet(null, new Holding(Thread.currentThread(), System.nanoTime(), false))) {
            try {
                cancelled = false;
                if (!closed) {
                    selector.selectNow();
                    selector.selectedKeys().clear();
                }
            } catch (IOException | ClosedSelectorException e) {
                LOG.debug("flushing the parked readers' selector", e);
            } finally {
                holder.set(null);
            }
            if (cancelled) {
                flush();
            }
        } else {
            // the holder wakes, and looks at the flag as it gives the reader back
            selector.wakeup();
        }
    }

    /** Closes the selector, which drops every key; a thread that waits in it wakes. */
    void close() {
        closed = true;
        synchronized (this) {
            keys.clear();
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the parked readers' selector", e);
        }
    }
}
