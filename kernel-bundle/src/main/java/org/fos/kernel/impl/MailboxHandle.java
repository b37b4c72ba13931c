package org.fos.kernel.impl;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.MessageHandler;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;

/** A receiving handle bound to the capability it was opened with; checks it on every call. */
final class MailboxHandle implements Mailbox {
    private final MailboxTable table;
    private final MailboxImpl mailbox;
    private final CapEntry entry;

    MailboxHandle(MailboxTable table, MailboxImpl mailbox, CapEntry entry) {
        this.table = table;
        this.mailbox = mailbox;
        this.entry = entry;
    }

    private void check(String operation) {
        if (mailbox.closed) {
            throw table.reject(Status.CLOSED, null, operation + ": mailbox " + mailbox.address + " is closed");
        }
        if (entry.revoked) {
            throw table.reject(Status.REVOKED, mailbox, operation + " with revoked " + entry.capability);
        }
    }

    @Override
    public Address address() {
        return mailbox.address;
    }

    @Override
    public Capability capability() {
        return entry.capability;
    }

    @Override
    public int capacity() {
        return mailbox.capacity;
    }

    @Override
    public int depth() {
        return mailbox.depth();
    }

    @Override
    public Message poll() {
        check("poll");
        return mailbox.poll();
    }

    @Override
    public Message receive(long timeout, TimeUnit unit) throws InterruptedException {
        check("receive");
        if (timeout <= 0) {
            return mailbox.poll();
        }
        Message m = mailbox.relaxedPoll();
        if (m != null) {
            return m;
        }
        return mailbox.await(timeout, unit) ? mailbox.poll() : null;
    }

    @Override
    public int drain(MessageHandler handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        if (limit < 1) {
            throw new IllegalArgumentException("drain limit must be at least 1, was " + limit);
        }
        check("drain");
        return mailbox.drain(handler, limit);
    }

    @Override
    public int drain(MessageHandler handler, int limit, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(handler, "handler");
        if (limit < 1) {
            throw new IllegalArgumentException("drain limit must be at least 1, was " + limit);
        }
        check("drain");
        if (!mailbox.await(timeout, unit)) {
            return 0;
        }
        return mailbox.drain(handler, limit);
    }

    @Override
    public boolean isClosed() {
        return mailbox.closed;
    }

    @Override
    public void close() {
        if (mailbox.closed) {
            return;
        }
        check("close");
        if (!Right.RECEIVE.in(entry.rights)) {
            throw table.reject(Status.NO_RIGHT, mailbox, "close needs the RECEIVE right, " + entry.capability
                    + " has only " + Right.letters(entry.rights));
        }
        table.close(mailbox);
    }

    @Override
    public String toString() {
        return "mailbox " + mailbox.address + " (" + mailbox.label + ")";
    }
}
