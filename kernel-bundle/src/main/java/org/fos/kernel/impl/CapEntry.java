package org.fos.kernel.impl;

import java.util.ArrayList;
import java.util.List;

import org.fos.kernel.api.Capability;

/**
 * The kernel's record of a capability it issued: the mailbox it opens, the capability it was
 * derived from and those derived from it. Tree changes happen under the kernel's capability lock;
 * {@link #revoked} is read without a lock on every use.
 */
final class CapEntry {
    final Capability capability;
    final int rights;
    final MailboxImpl mailbox;
    final CapEntry parent;
    final List<CapEntry> children = new ArrayList<>(2);
    volatile boolean revoked;
    /** Capabilities derived from this one to narrow the messages of clients, by rights mask; made on first need. */
    volatile java.util.concurrent.ConcurrentHashMap<Integer, CapEntry> limited;

    CapEntry(Capability capability, MailboxImpl mailbox, CapEntry parent) {
        this.capability = capability;
        this.rights = capability.rights();
        this.mailbox = mailbox;
        this.parent = parent;
    }

    boolean isAncestorOrSelf(CapEntry other) {
        for (CapEntry e = other; e != null; e = e.parent) {
            if (e == this) {
                return true;
            }
        }
        return false;
    }
}
