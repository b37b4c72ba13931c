package org.fos.kernel.impl;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.NameEntry;

/**
 * The names this node's mailboxes are registered under, by registration id: what the kernel keeps of
 * its own registrations, what ends when a mailbox closes and what a client's ticket may reach.
 * Thread-safe.
 */
final class Registrations {
    private final ConcurrentHashMap<Long, RegistrationImpl> byId = new ConcurrentHashMap<>();

    void add(RegistrationImpl r) {
        byId.put(r.entry().registrationId(), r);
    }

    void remove(NameEntry entry) {
        byId.remove(entry.registrationId());
    }

    Collection<RegistrationImpl> all() {
        return byId.values();
    }

    int size() {
        return byId.size();
    }

    /** Ends the registrations of a mailbox that closed. */
    void closeFor(Address address) {
        for (RegistrationImpl r : byId.values()) {
            if (r.entry().address().equals(address)) {
                r.close();
            }
        }
    }

    /** Whether a mailbox is registered under one of these names. */
    boolean registeredUnder(Address address, Set<String> names) {
        for (RegistrationImpl r : byId.values()) {
            NameEntry entry = r.entry();
            if (entry.address().equals(address) && names.contains(entry.name())) {
                return true;
            }
        }
        return false;
    }
}
