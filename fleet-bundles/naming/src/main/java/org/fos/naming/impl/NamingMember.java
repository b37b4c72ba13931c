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

import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.Stateful;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Status;
import org.fos.naming.api.NameService;
import org.fos.naming.api.NameWatcher;
import org.fos.naming.api.WatchStart;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member of the naming fleet on a single node: the names in a sorted map, and the watchers with
 * the names they watch and the number of the last change each was sent. Called only from its
 * member thread. Its state (entries and watchers) is handed over on upgrade, so watchers keep their
 * numbering and miss nothing.
 */
@Component(service = NameService.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.naming")
@Fleet(name = NameService.NAME, members = 1)
public final class NamingMember implements NameService, Stateful {
    private static final Logger LOG = LoggerFactory.getLogger(NamingMember.class);
    static final int LAYOUT = 1;
    private static final CallOptions PUSH = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

    /** A watcher: where to send, what it watches, how many changes it was sent. */
    private final class Watcher {
        final Capability capability;
        final NameWatcher proxy;
        final Set<String> names = new LinkedHashSet<>();
        long number;

        Watcher(Capability capability, long number) {
            this.capability = capability;
            this.proxy = libfos.proxy(NameWatcher.class, capability, PUSH);
            this.number = number;
        }
    }

    private final Libfos libfos;
    private final TreeMap<String, List<NameEntry>> entries = new TreeMap<>();
    private final Map<Address, Watcher> watchers = new HashMap<>();
    /** Watchers whose mailbox is gone, found by the reply threads; dropped on the member thread. */
    private final Queue<Address> gone = new ConcurrentLinkedQueue<>();

    /**
     * Creates the member.
     *
     * @param libfos libfos, to tell watchers
     */
    @Activate
    public NamingMember(@Reference Libfos libfos) {
        this.libfos = libfos;
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
        dropGone();
        Names.requireValidName(entry.name());
        List<NameEntry> members = entries.computeIfAbsent(entry.name(), n -> new ArrayList<>());
        if (members.stream().noneMatch(e -> same(e, entry))) {
            members.add(entry);
            tell(new NameEvent(entry.name(), NameEvent.Kind.ADDED, entry, List.copyOf(members)));
        }
        return numberOf(watcher);
    }

    @Override
    public long remove(NameEntry entry, Capability watcher) {
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
                    tell(new NameEvent(entry.name(), NameEvent.Kind.REMOVED, e, List.copyOf(members)));
                    break;
                }
            }
        }
        return numberOf(watcher);
    }

    /** Sends a change to every watcher of its name, numbered, in order (one sender: this thread). */
    private void tell(NameEvent event) {
        for (Watcher w : watchers.values()) {
            if (w.names.contains(event.name())) {
                long n = ++w.number;
                Address address = w.capability.address();
                w.proxy.changed(n, event).whenComplete((ok, error) -> {
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
        List<NameEntry> members = entries.get(Names.requireValidName(name));
        return members == null ? List.of() : List.copyOf(members);
    }

    @Override
    public List<NameEntry> list(String prefix) {
        if (!"/".equals(prefix)) {
            Names.requireValidName(prefix);
        }
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
        return out;
    }

    @Override
    public WatchStart watch(String name, Capability watcher) {
        dropGone();
        Names.requireValidName(name);
        Watcher w = watchers.computeIfAbsent(watcher.address(), a -> new Watcher(watcher, 0));
        w.names.add(name);
        return new WatchStart(w.number, find(name));
    }

    @Override
    public void unwatch(String name, Capability watcher) {
        Watcher w = watchers.get(watcher.address());
        if (w != null) {
            w.names.remove(name);
        }
    }

    @Override
    public FleetState exportState() {
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
            ws.add(m);
        }
        return new FleetState(LAYOUT, Map.of("entries", es, "watchers", ws));
    }

    @Override
    public void importState(FleetState state) {
        if (state.version() != LAYOUT) {
            throw new IllegalArgumentException("the naming fleet reads state layout " + LAYOUT + ", not " + state.version());
        }
        if (state.data() == null) {
            return;
        }
        Map<?, ?> data = StateCodec.map(state.data(), "state");
        entries.clear();
        watchers.clear();
        for (Object o : StateCodec.list(data.get("entries"), "entries")) {
            Map<?, ?> m = StateCodec.map(o, "entry");
            NameEntry e = new NameEntry((String) m.get("name"), StateCodec.capability(m.get("capability")), (Long) m.get("id"),
                    StateCodec.stringMap(m.get("properties")));
            entries.computeIfAbsent(e.name(), n -> new ArrayList<>()).add(e);
        }
        for (Object o : StateCodec.list(data.get("watchers"), "watchers")) {
            Map<?, ?> m = StateCodec.map(o, "watcher");
            Watcher w = new Watcher(StateCodec.capability(m.get("capability")), (Long) m.get("number"));
            for (Object n : StateCodec.list(m.get("names"), "names")) {
                w.names.add((String) n);
            }
            watchers.put(w.capability.address(), w);
        }
    }
}
