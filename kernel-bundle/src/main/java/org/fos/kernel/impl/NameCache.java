package org.fos.kernel.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
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
    private final ConcurrentHashMap<String, Followed> followed = new ConcurrentHashMap<>();
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
        Followed f = followed.get(name);
        if (f == null) {
            f = follow(Names.requireValidName(name));
        }
        return f.view;
    }

    /** Picks a member of a name, leaving out the members of nodes out of reach where others remain. */
    Capability resolve(String name, Selection selection, Object key, Set<String> unreachable) {
        Objects.requireNonNull(selection, "selection");
        FleetView view = view(name);
        if (selection == Selection.KEY_AFFINITY && key == null) {
            throw new IllegalArgumentException("KEY_AFFINITY needs a key to resolve '" + name + "'");
        }
        if (view.isEmpty()) {
            throw refusal.reject(Status.NO_SUCH_NAME, "no member is registered under '" + name + "'");
        }
        return view.pick(selection, key, unreachable);
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
        for (Followed f : followed.values()) {
            f.view.nodesInto(out);
        }
    }

    /** Makes the cache follow a name on its first resolution; the store fills it before this returns. */
    private Followed follow(String name) {
        synchronized (nameLock) {
            Followed f = followed.get(name);
            if (f == null) {
                f = new Followed(name);
                try {
                    f.watch = storeFor.apply(name).watch(name, f);
                } catch (RuntimeException ex) {
                    throw refusal.reject(Status.UNAVAILABLE, "the name store cannot follow '" + name + "': " + ex.getMessage());
                }
                followed.put(name, f);
            }
            return f;
        }
    }

    /** Moves the watches of the followed names that {@code moves} takes to {@code store}; under the name lock. */
    void rewatch(NameStore store, java.util.function.Predicate<String> moves) {
        for (Followed f : followed.values()) {
            if (moves.test(f.name)) {
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
