package org.fos.kernel.impl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;

/**
 * The authoritative name store of a single node. Listeners are called synchronously under the
 * store's lock, in the order of the changes: the kernel's name cache is therefore updated before a
 * registration returns. Listeners must be quick and must not call back into the store from another
 * thread.
 */
final class LocalNameStore {
    private final Object lock = new Object();
    private final TreeMap<String, List<NameEntry>> entries = new TreeMap<>();
    private final Map<String, List<Consumer<NameEvent>>> listeners = new TreeMap<>();
    private long nextRegistration = 1;

    NameEntry add(String name, Capability capability, Map<String, String> properties) {
        synchronized (lock) {
            NameEntry entry = new NameEntry(name, capability, nextRegistration++, properties);
            List<NameEntry> members = entries.computeIfAbsent(name, n -> new ArrayList<>());
            members.add(entry);
            fire(new NameEvent(name, NameEvent.Kind.ADDED, entry, List.copyOf(members)));
            return entry;
        }
    }

    boolean remove(String name, long registrationId) {
        synchronized (lock) {
            List<NameEntry> members = entries.get(name);
            if (members == null) {
                return false;
            }
            for (Iterator<NameEntry> it = members.iterator(); it.hasNext();) {
                NameEntry e = it.next();
                if (e.registrationId() == registrationId) {
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

    List<NameEntry> find(String name) {
        synchronized (lock) {
            List<NameEntry> members = entries.get(name);
            return members == null ? List.of() : List.copyOf(members);
        }
    }

    List<NameEntry> list(String prefix) {
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

    /** Subscribes; the listener gets the snapshot before this returns. Returns the unsubscribe action. */
    Runnable subscribe(String name, Consumer<NameEvent> listener) {
        synchronized (lock) {
            listeners.computeIfAbsent(name, n -> new ArrayList<>()).add(listener);
            List<NameEntry> members = entries.get(name);
            listener.accept(new NameEvent(name, NameEvent.Kind.SNAPSHOT, null,
                    members == null ? List.of() : List.copyOf(members)));
        }
        return () -> {
            synchronized (lock) {
                List<Consumer<NameEvent>> l = listeners.get(name);
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
        List<Consumer<NameEvent>> l = listeners.get(event.name());
        if (l != null) {
            for (Consumer<NameEvent> c : List.copyOf(l)) {
                c.accept(event);
            }
        }
    }
}
