package org.fos.kernel.impl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.NameListener;
import org.fos.kernel.spi.NameStore;

/**
 * The kernel's own name store: for a single node, and for the bootstrap names of a cluster.
 * Listeners are called synchronously under the store's lock, in the order of the changes: the
 * kernel's name cache is therefore updated before a registration returns. Listeners must be quick
 * and must not call back into the store from another thread.
 */
final class LocalNameStore implements NameStore {
    private final Object lock = new Object();
    private final TreeMap<String, List<NameEntry>> entries = new TreeMap<>();
    private final Map<String, List<NameListener>> listeners = new TreeMap<>();

    static boolean same(NameEntry a, NameEntry b) {
        return a.registrationId() == b.registrationId() && a.address().node().equals(b.address().node());
    }

    @Override
    public void add(NameEntry entry) {
        synchronized (lock) {
            List<NameEntry> members = entries.computeIfAbsent(entry.name(), n -> new ArrayList<>());
            for (NameEntry e : members) {
                if (same(e, entry)) {
                    return;
                }
            }
            members.add(entry);
            fire(new NameEvent(entry.name(), NameEvent.Kind.ADDED, entry, List.copyOf(members)));
        }
    }

    @Override
    public void remove(NameEntry entry) {
        remove(entry.name(), entry);
    }

    private boolean remove(String name, NameEntry entry) {
        synchronized (lock) {
            List<NameEntry> members = entries.get(name);
            if (members == null) {
                return false;
            }
            for (Iterator<NameEntry> it = members.iterator(); it.hasNext();) {
                NameEntry e = it.next();
                if (same(e, entry)) {
                    it.remove();
                    if (members.isEmpty()) {
                        entries.remove(name);
                    }
                    fire(new NameEvent(name, NameEvent.Kind.REMOVED, e, List.copyOf(members)));
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public List<NameEntry> find(String name) {
        synchronized (lock) {
            List<NameEntry> members = entries.get(name);
            return members == null ? List.of() : List.copyOf(members);
        }
    }

    @Override
    public List<NameEntry> list(String prefix) {
        synchronized (lock) {
            List<NameEntry> out = new ArrayList<>();
            if ("/".equals(prefix)) {
                entries.values().forEach(out::addAll);
                return out;
            }
            for (Map.Entry<String, List<NameEntry>> e : entries.tailMap(prefix, true).entrySet()) {
                String n = e.getKey();
                if (!n.startsWith(prefix)) {
                    break; // sorted: the names that start with the prefix are contiguous
                }
                if (n.length() == prefix.length() || n.charAt(prefix.length()) == '/') {
                    out.addAll(e.getValue());
                }
            }
            return out;
        }
    }

    int size() {
        synchronized (lock) {
            int n = 0;
            for (List<NameEntry> l : entries.values()) {
                n += l.size();
            }
            return n;
        }
    }

    /** Follows a name; the listener gets the snapshot before this returns. */
    @Override
    public AutoCloseable watch(String name, NameListener listener) {
        synchronized (lock) {
            listeners.computeIfAbsent(name, n -> new ArrayList<>()).add(listener);
            List<NameEntry> members = entries.get(name);
            listener.onChange(new NameEvent(name, NameEvent.Kind.SNAPSHOT, null,
                    members == null ? List.of() : List.copyOf(members)));
        }
        return () -> {
            synchronized (lock) {
                List<NameListener> l = listeners.get(name);
                if (l != null) {
                    l.remove(listener);
                    if (l.isEmpty()) {
                        listeners.remove(name);
                    }
                }
            }
        };
    }

    private void fire(NameEvent event) {
        List<NameListener> l = listeners.get(event.name());
        if (l != null) {
            for (NameListener c : List.copyOf(l)) {
                c.onChange(event);
            }
        }
    }
}
