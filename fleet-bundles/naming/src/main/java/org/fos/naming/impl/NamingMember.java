package org.fos.naming.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.fos.cluster.api.ClusterNames;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.Stateful;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.naming.api.NameService;
import org.fos.naming.api.NameWatcher;
import org.fos.naming.api.WatchStart;
import org.fos.rpc.api.CallContext;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ServiceScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member of the naming fleet on a node. On a single node it keeps the names in a sorted map; in
 * a ZooKeeper cluster ({@link ClusterNames} present) the names live in ZooKeeper, and this member
 * keeps only the entries its node added (to add them again if the cluster service restarts). It
 * tells its watchers every change of the names they watch, numbered per watcher. Requests come
 * from the member thread; cluster changes come from the cluster's events thread; both take
 * {@link #lock}, and in a cluster a request does not hold it while it waits for ZooKeeper, so that
 * the change it made is told before it returns. Its state (entries and watchers) is handed over on
 * upgrade, so watchers keep their numbering and miss nothing.
 */
@Component(service = NameService.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.naming")
@Fleet(name = NameService.NAME, members = 1, peers = NamePeers.class)
public final class NamingMember implements NamePeers, Stateful {
    private static final Logger LOG = LoggerFactory.getLogger(NamingMember.class);
    static final int LAYOUT = 1;
    private static final CallOptions PUSH = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

    /** A watcher: where to send, what it watches, how many changes it was sent. */
    private final class Watcher {
        final Capability capability;
        final NameWatcher proxy;
        final Set<String> names = new LinkedHashSet<>();
        long number;
        /** Whether it is told member capabilities: its caller held PEER or ADMIN. */
        boolean members;

        Watcher(Capability capability, long number, boolean members) {
            this.capability = capability;
            this.proxy = libfos.proxy(NameWatcher.class, capability, PUSH);
            this.number = number;
            this.members = members;
        }
    }

    /** Whether the call served now may see member capabilities: its capability holds PEER or ADMIN. */
    private static boolean trusted() {
        return (CallContext.rights() & (Right.PEER.bit() | Right.ADMIN.bit())) != 0;
    }

    /** The entries as a caller sees them: without member capabilities unless it is trusted. */
    private static List<NameEntry> seen(List<NameEntry> entries, boolean trusted) {
        if (trusted) {
            return entries;
        }
        List<NameEntry> out = new ArrayList<>(entries.size());
        for (NameEntry e : entries) {
            out.add(e.properties().containsKey(NameEntry.MEMBER) ? e.withMember(null) : e);
        }
        return out;
    }

    private static NameEvent seen(NameEvent event, boolean trusted) {
        if (trusted) {
            return event;
        }
        return new NameEvent(event.name(), event.kind(), seen(List.of(event.entry()), false).get(0), seen(event.members(), false));
    }

    private final Libfos libfos;
    private final ClusterNames cluster;
    private final Object lock = new Object();
    /** Single node: all names. In a cluster: the entries this node added. */
    private final TreeMap<String, List<NameEntry>> entries = new TreeMap<>();
    /** In a cluster: the members of each watched name as last told, and the ZooKeeper watches. */
    private final Map<String, List<NameEntry>> known = new HashMap<>();
    private final Map<String, AutoCloseable> clusterWatches = new HashMap<>();
    private final Map<Address, Watcher> watchers = new HashMap<>();
    /** Watchers whose mailbox is gone, found by the reply threads; dropped on the member thread. */
    private final Queue<Address> gone = new ConcurrentLinkedQueue<>();

    /**
     * Creates the member.
     *
     * @param libfos libfos, to tell watchers
     * @param cluster the cluster's names, or null on a single node
     */
    @Activate
    public NamingMember(@Reference Libfos libfos,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) ClusterNames cluster) {
        this.libfos = libfos;
        this.cluster = cluster;
    }

    private static boolean same(NameEntry a, NameEntry b) {
        return a.registrationId() == b.registrationId() && a.address().node().equals(b.address().node());
    }

    private void dropGone() {
        for (Address a; (a = gone.poll()) != null;) {
            watchers.remove(a);
        }
    }

    private long numberOf(Capability watcher) {
        if (watcher == null) {
            return 0;
        }
        Watcher w = watchers.get(watcher.address());
        return w == null ? 0 : w.number;
    }

    @Override
    public long add(NameEntry entry, Capability watcher) {
        Names.requireValidName(entry.name());
        synchronized (lock) {
            dropGone();
            List<NameEntry> members = entries.computeIfAbsent(entry.name(), n -> new ArrayList<>());
            boolean fresh = members.stream().noneMatch(e -> same(e, entry));
            if (fresh) {
                members.add(entry);
                if (cluster == null) {
                    tell(new NameEvent(entry.name(), NameEvent.Kind.ADDED, entry, List.copyOf(members)));
                }
            }
            if (cluster == null) {
                return numberOf(watcher);
            }
        }
        cluster.add(entry); // the cluster tells this member the change before it returns
        synchronized (lock) {
            return numberOf(watcher);
        }
    }

    @Override
    public long remove(NameEntry entry, Capability watcher) {
        synchronized (lock) {
            dropGone();
            List<NameEntry> members = entries.get(entry.name());
            if (members != null) {
                for (Iterator<NameEntry> it = members.iterator(); it.hasNext();) {
                    NameEntry e = it.next();
                    if (same(e, entry)) {
                        it.remove();
                        if (members.isEmpty()) {
                            entries.remove(entry.name());
                        }
                        if (cluster == null) {
                            tell(new NameEvent(entry.name(), NameEvent.Kind.REMOVED, e, List.copyOf(members)));
                        }
                        break;
                    }
                }
            }
            if (cluster == null) {
                return numberOf(watcher);
            }
        }
        cluster.remove(entry);
        synchronized (lock) {
            return numberOf(watcher);
        }
    }

    /** A watched name changed in the cluster: tell its watchers what came and went. */
    private void clusterChanged(String name, List<NameEntry> members) {
        synchronized (lock) {
            List<NameEntry> before = known.getOrDefault(name, List.of());
            List<NameEntry> now = new ArrayList<>(before);
            for (NameEntry e : before) {
                if (members.stream().noneMatch(m -> same(m, e))) {
                    now.remove(e);
                    tell(new NameEvent(name, NameEvent.Kind.REMOVED, e, List.copyOf(now)));
                }
            }
            for (NameEntry e : members) {
                if (before.stream().noneMatch(b -> same(b, e))) {
                    now.add(e);
                    tell(new NameEvent(name, NameEvent.Kind.ADDED, e, List.copyOf(now)));
                }
            }
            known.put(name, List.copyOf(members));
        }
    }

    /** Sends a change to every watcher of its name, numbered, in order (one sender: this thread). */
    private void tell(NameEvent event) {
        for (Watcher w : watchers.values()) {
            if (w.names.contains(event.name())) {
                long n = ++w.number;
                Address address = w.capability.address();
                w.proxy.changed(n, seen(event, w.members)).whenComplete((ok, error) -> {
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        if (cause instanceof FleetException f && (f.status() == Status.CLOSED || f.status() == Status.FORGED
                                || f.status() == Status.REVOKED)) {
                            gone.add(address);
                        } else {
                            LOG.warn("watcher {} did not take change {} of {}: {}", address, n, event.name(), cause.toString());
                        }
                    }
                });
            }
        }
    }

    @Override
    public List<NameEntry> find(String name) {
        Names.requireValidName(name);
        boolean trusted = trusted();
        if (cluster != null) {
            return seen(cluster.find(name), trusted);
        }
        synchronized (lock) {
            List<NameEntry> members = entries.get(name);
            return members == null ? List.of() : seen(List.copyOf(members), trusted);
        }
    }

    @Override
    public List<NameEntry> list(String prefix) {
        if (!"/".equals(prefix)) {
            Names.requireValidName(prefix);
        }
        boolean trusted = trusted();
        if (cluster != null) {
            return seen(cluster.list(prefix), trusted);
        }
        synchronized (lock) {
            List<NameEntry> out = new ArrayList<>();
            for (Map.Entry<String, List<NameEntry>> e : ("/".equals(prefix) ? entries : entries.tailMap(prefix, true)).entrySet()) {
                String n = e.getKey();
                if (!"/".equals(prefix)) {
                    if (!n.startsWith(prefix)) {
                        break;
                    }
                    if (n.length() != prefix.length() && n.charAt(prefix.length()) != '/') {
                        continue;
                    }
                }
                out.addAll(e.getValue());
            }
            return seen(out, trusted);
        }
    }

    @Override
    public WatchStart watch(String name, Capability watcher) {
        Names.requireValidName(name);
        boolean trusted = trusted();
        synchronized (lock) {
            dropGone();
            Watcher w = watchers.computeIfAbsent(watcher.address(), a -> new Watcher(watcher, 0, trusted));
            w.members &= trusted;
            w.names.add(name);
            if (cluster != null && !clusterWatches.containsKey(name)) {
                known.put(name, cluster.find(name));
                clusterWatches.put(name, cluster.watch(name, members -> clusterChanged(name, members)));
            }
            List<NameEntry> members = cluster != null ? known.get(name)
                    : entries.containsKey(name) ? List.copyOf(entries.get(name)) : List.of();
            return new WatchStart(w.number, seen(members, w.members));
        }
    }

    @Override
    public void unwatch(String name, Capability watcher) {
        synchronized (lock) {
            Watcher w = watchers.get(watcher.address());
            if (w != null) {
                w.names.remove(name);
            }
        }
    }

    /**
     * Stops following the cluster.
     */
    @Deactivate
    void deactivate() {
        synchronized (lock) {
            for (AutoCloseable c : clusterWatches.values()) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing a cluster watch failed", e);
                }
            }
            clusterWatches.clear();
        }
    }

    @Override
    public FleetState exportState() {
        synchronized (lock) {
            return export();
        }
    }

    private FleetState export() {
        List<Object> es = new ArrayList<>();
        for (List<NameEntry> members : entries.values()) {
            for (NameEntry e : members) {
                Map<String, Object> m = new HashMap<>();
                m.put("name", e.name());
                m.put("capability", StateCodec.capability(e.capability()));
                m.put("id", e.registrationId());
                m.put("properties", Map.copyOf(e.properties()));
                es.add(m);
            }
        }
        List<Object> ws = new ArrayList<>();
        for (Watcher w : watchers.values()) {
            Map<String, Object> m = new HashMap<>();
            m.put("capability", StateCodec.capability(w.capability));
            m.put("number", w.number);
            m.put("names", List.copyOf(w.names));
            m.put("members", w.members);
            ws.add(m);
        }
        return new FleetState(LAYOUT, Map.of("entries", es, "watchers", ws));
    }

    @Override
    public void importState(FleetState state) {
        synchronized (lock) {
            load(state);
        }
        if (cluster != null) {
            // the names this node added go (back) into the cluster: harmless if they are there
            List<NameEntry> mine;
            synchronized (lock) {
                mine = entries.values().stream().flatMap(List::stream).toList();
            }
            for (NameEntry e : mine) {
                cluster.add(e);
            }
        }
    }

    /**
     * Replaces this member's names and watchers with a state's; a state that cannot be read is refused
     * with the reason and leaves them as they were.
     */
    private void load(FleetState state) {
        if (state.version() != LAYOUT) {
            throw new IllegalArgumentException("the naming fleet reads state layout " + LAYOUT + ", not " + state.version());
        }
        if (state.data() == null) {
            return;
        }
        Map<?, ?> data = StateCodec.map(state.data(), "state");
        Map<String, List<NameEntry>> readEntries = new HashMap<>();
        Map<Address, Watcher> readWatchers = new HashMap<>();
        for (Object o : StateCodec.list(data.get("entries"), "entries")) {
            Map<?, ?> m = StateCodec.map(o, "entry");
            NameEntry e = new NameEntry(StateCodec.text(m.get("name"), "entry's name"), StateCodec.capability(m.get("capability")),
                    StateCodec.number(m.get("id"), "entry's id"), StateCodec.stringMap(m.get("properties")));
            readEntries.computeIfAbsent(e.name(), n -> new ArrayList<>()).add(e);
        }
        for (Object o : StateCodec.list(data.get("watchers"), "watchers")) {
            Map<?, ?> m = StateCodec.map(o, "watcher");
            // state of a version before rights per operation: every watcher saw everything then
            Watcher w = new Watcher(StateCodec.capability(m.get("capability")), StateCodec.number(m.get("number"), "watcher's number"),
                    !Boolean.FALSE.equals(m.get("members")));
            for (Object n : StateCodec.list(m.get("names"), "names")) {
                w.names.add(StateCodec.text(n, "watched name"));
            }
            readWatchers.put(w.capability.address(), w);
        }
        entries.clear();
        entries.putAll(readEntries);
        watchers.clear();
        watchers.putAll(readWatchers);
    }
}
