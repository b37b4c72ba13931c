package org.fos.kernel.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongFunction;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.NameListener;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.NameStore;

/**
 * The kernel's coherent name cache: for each name resolved once, a {@link FleetView} kept current
 * by a watch on the name's store, so that a change is applied when the store delivers it, never
 * found stale on use. Resolution reads the view (a volatile read) and picks; it takes no lock.
 * Following a name, and moving every watch to another store, happen under the kernel's name lock.
 */
final class NameCache {

    /** A name the cache follows: its current view, kept up to date by the store's events. */
    private final class Followed implements NameListener {
        final String name;
        volatile FleetView view = FleetView.EMPTY;
        AutoCloseable watch;

        Followed(String name) {
            this.name = name;
        }

        @Override
        public void onChange(NameEvent event) {
            view = viewOf(event.members());
        }
    }

    /** How the kernel refuses a call: with a status and a message, counted. */
    interface Refusal {
        KernelException reject(Status status, String message);
    }

    private final String nodeId;
    private final Object nameLock;
    private final Function<String, NameStore> storeFor;
    private final LongFunction<MailboxImpl> localMailbox;
    private final Refusal refusal;
    /**
     * The followed names, by name: an open-addressing table (linear probing, at most half full) that
     * {@link #follow} replaces by a copy with one more, under the name lock; never shrinks. A lookup
     * is a hash, a probe or two and one equals. Not a ConcurrentHashMap: its get, inlined with
     * the branches that every map of the JVM exercises, took most of the code size that decides
     * whether a resolution is inlined into its caller (see {@link #resolve}).
     */
    private volatile Followed[] followed = new Followed[16];
    /** How many names {@link #followed} holds; under the name lock. */
    private int followedCount;
    /**
     * Nodes no transport has reached for unreachableAfterMillis, immutable; null while there are none,
     * the usual case, so that a resolution tells it from one read.
     */
    private volatile Set<String> unreachable;
    /** The node whose members of node-scoped fleets this kernel uses when it has none; null: none. */
    private volatile String homeNode;

    /**
     * @param nodeId this node
     * @param nameLock the kernel's lock for name changes
     * @param storeFor the store that holds a name now
     * @param localMailbox this node's mailbox by number, or null
     * @param refusal how to refuse a resolution
     */
    NameCache(String nodeId, Object nameLock, Function<String, NameStore> storeFor, LongFunction<MailboxImpl> localMailbox,
            Refusal refusal) {
        this.nodeId = nodeId;
        this.nameLock = nameLock;
        this.storeFor = storeFor;
        this.localMailbox = localMailbox;
        this.refusal = refusal;
    }

    private FleetView view(String name) {
        Followed f = lookUp(name);
        if (f == null) {
            f = follow(Names.requireValidName(name));
        }
        return f.view;
    }

    /**
     * Picks a member of a name, leaving out the members of nodes out of reach where others remain.
     * <p>
     * A hit on a followed name, with no node out of reach, is decided by {@link FleetView#pickAtOnce};
     * everything else goes the longer way. The hit is kept short because this method is compiled
     * with the table lookup and the pick inlined into it, and C2 inlines it into a caller only while
     * that code stays under {@code InlineSmallCode} (2,500 bytes); above it every hit was a call of
     * its own (row 8, {@code -XX:+PrintInlining}: {@code already compiled into a big method}).
     */
    Capability resolve(String name, Selection selection, Object key) {
        Followed f = name == null ? null : lookUp(name); // a null name fails the longer way, as it always did
        Capability picked = f == null || unreachable != null ? null : f.view.pickAtOnce(selection, key);
        return picked != null ? picked : resolveChecked(name, selection, key);
    }

    /** {@link #resolve(String, Selection, Object)} without a key, its hit compiled without the key's hashing. */
    Capability resolve(String name, Selection selection) {
        Followed f = name == null ? null : lookUp(name);
        Capability picked = f == null || unreachable != null ? null : f.view.pickAtOnce(selection);
        return picked != null ? picked : resolveChecked(name, selection, null);
    }

    /** {@link #resolve} with every check: a name not followed yet, a bad argument, no member, nodes out of reach. */
    private Capability resolveChecked(String name, Selection selection, Object key) {
        Objects.requireNonNull(selection, "selection");
        FleetView view = view(name);
        if (selection == Selection.KEY_AFFINITY && key == null) {
            throw new IllegalArgumentException("KEY_AFFINITY needs a key to resolve '" + name + "'");
        }
        if (view.isEmpty()) {
            throw refusal.reject(Status.NO_SUCH_NAME, "no member is registered under '" + name + "'");
        }
        return view.pick(selection, key, unreachable());
    }

    /** Nodes no transport has reached for unreachableAfterMillis; usually none. */
    Set<String> unreachable() {
        Set<String> nodes = unreachable;
        return nodes == null ? Set.of() : nodes;
    }

    /** Sets the nodes out of reach, an immutable set; the link timer's check does. */
    void unreachable(Set<String> nodes) {
        unreachable = nodes.isEmpty() ? null : nodes;
    }

    /** Up to {@code count} members on distinct nodes, from the key's owner on. */
    List<Capability> replicas(String name, Object key, int count) {
        if (key == null) {
            throw new IllegalArgumentException("replicas of '" + name + "' need a key");
        }
        if (count < 1) {
            throw new IllegalArgumentException("replica count must be at least 1, was " + count);
        }
        FleetView view = view(name);
        if (view.isEmpty()) {
            throw refusal.reject(Status.NO_SUCH_NAME, "no member is registered under '" + name + "'");
        }
        return view.replicas(key, count);
    }

    /** The members of a name as the cache has them, leaving ones included. */
    List<NameEntry> cached(String name) {
        return view(name).entries;
    }

    /** Adds the nodes of every followed name's members. */
    void nodesInto(Set<String> out) {
        for (Followed f : followed) {
            if (f != null) {
                f.view.nodesInto(out);
            }
        }
    }

    /** Makes the cache follow a name on its first resolution; the store fills it before this returns. */
    private Followed follow(String name) {
        synchronized (nameLock) {
            Followed f = lookUp(name);
            if (f == null) {
                f = new Followed(name);
                try {
                    f.watch = storeFor.apply(name).watch(name, f);
                } catch (RuntimeException ex) {
                    throw refusal.reject(Status.UNAVAILABLE, "the name store cannot follow '" + name + "': " + ex.getMessage());
                }
                add(f);
            }
            return f;
        }
    }

    /** The followed name's entry, or null. */
    private Followed lookUp(String name) {
        Followed[] table = followed;
        int mask = table.length - 1;
        for (int i = slot(name, mask);; i = (i + 1) & mask) {
            Followed f = table[i];
            if (f == null || f.name.equals(name)) {
                return f;
            }
        }
    }

    /** Publishes a table with one more followed name; under the name lock, the name not followed yet. */
    private void add(Followed f) {
        Followed[] table = followed;
        int length = 2 * (followedCount + 1) > table.length ? 2 * table.length : table.length;
        Followed[] copy = new Followed[length];
        for (Followed g : table) {
            if (g != null) {
                insert(copy, g);
            }
        }
        insert(copy, f);
        followed = copy;
        followedCount++;
    }

    private static void insert(Followed[] table, Followed f) {
        int mask = table.length - 1;
        int i = slot(f.name, mask);
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = f;
    }

    /** A name's first slot in a table of {@code mask + 1} slots: its hash with the high bits folded in. */
    private static int slot(String name, int mask) {
        int h = name.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }

    /** Moves the watches of the followed names that {@code moves} takes to {@code store}; under the name lock. */
    void rewatch(NameStore store, java.util.function.Predicate<String> moves) {
        for (Followed f : followed) {
            if (f != null && moves.test(f.name)) {
                KernelCore.closeQuietly(f.watch);
                f.watch = store.watch(f.name, f);
            }
        }
    }

    /** Sets the node whose members of a node-scoped fleet this kernel uses when it has none of its own. */
    void homeNode(String node) {
        synchronized (nameLock) {
            homeNode = node;
        }
    }

    /**
     * The members a resolution picks from: all of them, or for a node-scoped fleet
     * ({@link Names#SCOPE_PROPERTY}) those of this node, else of the home node, else of the first node.
     */
    static List<NameEntry> resolvable(List<NameEntry> members, String self, String home) {
        boolean scoped = false;
        for (NameEntry e : members) {
            if (Names.SCOPE_NODE.equals(e.properties().get(Names.SCOPE_PROPERTY))) {
                scoped = true;
                break;
            }
        }
        if (!scoped || members.isEmpty()) {
            return members;
        }
        TreeSet<String> nodes = new TreeSet<>();
        for (NameEntry e : members) {
            nodes.add(e.address().node());
        }
        String chosen = nodes.contains(self) ? self : home != null && nodes.contains(home) ? home : nodes.first();
        List<NameEntry> picked = new ArrayList<>();
        for (NameEntry e : members) {
            if (e.address().node().equals(chosen)) {
                picked.add(e);
            }
        }
        return picked;
    }

    /** The members that are not leaving ({@link Names#DRAINING_PROPERTY}); all of them if every one is. */
    static List<NameEntry> serving(List<NameEntry> members) {
        List<NameEntry> serving = new ArrayList<>(members.size());
        for (NameEntry e : members) {
            if (!"true".equals(e.properties().get(Names.DRAINING_PROPERTY))) {
                serving.add(e);
            }
        }
        return serving.isEmpty() ? members : serving;
    }

    private FleetView viewOf(List<NameEntry> all) {
        List<NameEntry> members = resolvable(all, nodeId, homeNode);
        List<NameEntry> serving = serving(members);
        MailboxImpl[] localBoxes = new MailboxImpl[serving.size()];
        for (int i = 0; i < localBoxes.length; i++) {
            Address a = serving.get(i).address();
            if (nodeId.equals(a.node())) {
                localBoxes[i] = localMailbox.apply(a.mailbox());
            }
        }
        return new FleetView(members, serving, localBoxes);
    }
}
