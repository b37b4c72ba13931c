package org.fos.kernel.impl;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.ClientLimits;
import org.fos.kernel.spi.ParkedReader;

/**
 * A node's mailboxes and the capability table that guards them: creation, narrowing, revocation,
 * closing, the capability check of every send into a mailbox, and the count of every refusal by
 * its status. It is the kernel's {@link Inbox}: the link table delivers what arrives from other
 * nodes here, checked as a local send is. Thread-safe: the send path takes no lock; changes to
 * the capability trees are serialised by one lock.
 */
final class MailboxTable implements Inbox {
    private final String nodeId;
    private final Supplier<KernelSettings> settings;
    private final WireCodec codec;
    private final Registrations registrations;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong nextMailbox = new AtomicLong(1);
    private final ConcurrentHashMap<Long, MailboxImpl> mailboxes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Capability, CapEntry> capabilities = new ConcurrentHashMap<>();
    private final Object capabilityLock = new Object();
    private final LongAdder[] rejections = new LongAdder[Status.values().length];
    private final AtomicLong closedSent = new AtomicLong();
    private final AtomicLong closedReceived = new AtomicLong();
    private final CoreBudget coreBudget;
    /** What a waiting receiver lends its thread to: the link table's transports. */
    private volatile IntSupplier assist;
    /** Where a receiver that parks for a message from another node may wait: a transport's reader. */
    private volatile Supplier<ParkedReader> parkedReader = () -> null;

    /**
     * @param nodeId this node's id
     * @param settings the kernel's current settings
     * @param codec for {@code encodeAllMessages}
     * @param registrations the node's registrations, which end when their mailbox closes
     */
    MailboxTable(String nodeId, Supplier<KernelSettings> settings, WireCodec codec, Registrations registrations) {
        this(nodeId, settings, codec, registrations, null);
    }

    /**
     * @param nodeId this node's id
     * @param settings the kernel's current settings
     * @param codec for {@code encodeAllMessages}
     * @param registrations the node's registrations, which end when their mailbox closes
     * @param cores the cores the JVM may use (for tests); null: read from the runtime
     */
    MailboxTable(String nodeId, Supplier<KernelSettings> settings, WireCodec codec, Registrations registrations,
            IntSupplier cores) {
        this.assist = () -> 0;
        this.nodeId = nodeId;
        this.settings = settings;
        this.codec = codec;
        this.registrations = registrations;
        for (int i = 0; i < rejections.length; i++) {
            rejections[i] = new LongAdder();
        }
        CoreBudget.Receivers receivers = audit -> mailboxes.values().forEach(m -> audit.accept(m.idle()));
        this.coreBudget = cores == null ? CoreBudget.ofRuntime(receivers) : new CoreBudget(cores, System::nanoTime, receivers);
    }

    /**
     * Sets what a waiting receiver lends its thread to: while it spins or yields, the link table's
     * {@link LinkTable#assist()}, so that a message from another node may be read by the thread that
     * waits for it; when it parks for such a message, a transport's {@link ParkedReader} to wait in
     * ({@link LinkTable#parkedReader()}).
     *
     * @param assist returns how many frames it read, negative if only transports that read with system
     *        calls read any ({@link LinkTable#assist()})
     * @param parkedReader returns a reader for the calling thread to park in, or null
     */
    void assistWith(IntSupplier assist, Supplier<ParkedReader> parkedReader) {
        this.assist = Objects.requireNonNull(assist, "assist");
        this.parkedReader = Objects.requireNonNull(parkedReader, "parkedReader");
    }

    /** Lends the calling thread, a waiting receiver, to the transports; what they read, as {@link LinkTable#assist()} says. */
    int assist() {
        return assist.getAsInt();
    }

    /** A transport's reader for the calling thread, about to park, to wait in; null if none is free. */
    ParkedReader parkedReader() {
        return parkedReader.get();
    }

    IdleStrategy idleStrategy() {
        return settings.get().idle();
    }

    /** The node's count of running receivers and spinning waiters against its cores. */
    CoreBudget coreBudget() {
        return coreBudget;
    }

    // ---------------------------------------------------------------- mailboxes and capabilities

    MailboxHandle create(long owner, String label, int capacity) {
        return create(owner, label, capacity, null);
    }

    MailboxHandle create(long owner, String label, int capacity, org.fos.kernel.api.DirectDelivery direct) {
        Objects.requireNonNull(label, "label");
        if (label.length() > 100) {
            throw new IllegalArgumentException("mailbox label is longer than 100 characters: '" + label.substring(0, 20) + "...'");
        }
        int max = settings.get().maxMailboxCapacity();
        if (capacity < 1 || capacity > max) {
            throw new IllegalArgumentException("mailbox capacity must be from 1 to " + max + ", was " + capacity);
        }
        Address address = new Address(nodeId, nextMailbox.getAndIncrement());
        MailboxImpl mailbox = new MailboxImpl(this, address, label, Math.max(2, capacity), owner, direct);
        CapEntry root = new CapEntry(newCapability(address, Right.ALL_BITS), mailbox, null);
        mailbox.root = root;
        capabilities.put(root.capability, root);
        mailboxes.put(address.mailbox(), mailbox);
        return new MailboxHandle(this, mailbox, root);
    }

    MailboxHandle open(Capability capability) {
        CapEntry e = validate(capability, Right.RECEIVE, "open");
        return new MailboxHandle(this, e.mailbox, e);
    }

    Capability narrow(Capability capability, Set<Right> rights) {
        Objects.requireNonNull(rights, "rights");
        if (rights.isEmpty()) {
            throw new IllegalArgumentException("narrowing to no rights at all: ask for at least one of " + Set.of(Right.values()));
        }
        CapEntry parent = validate(capability, Right.GRANT, "narrow");
        int mask = Right.mask(rights);
        if ((mask & ~parent.rights) != 0) {
            throw reject(Status.WIDENING, parent.mailbox, "cannot narrow " + capability + " to " + Right.letters(mask)
                    + ": it lacks " + Right.letters(mask & ~parent.rights));
        }
        return derive(parent, mask).capability;
    }

    /** Derives a capability with the rights {@code mask} from {@code parent}; revoked with it. */
    CapEntry derive(CapEntry parent, int mask) {
        synchronized (capabilityLock) {
            if (parent.revoked) {
                throw reject(Status.REVOKED, parent.mailbox, parent.capability + " was revoked");
            }
            if (parent.mailbox.closed) {
                throw reject(Status.CLOSED, parent.mailbox, "mailbox " + parent.mailbox.address + " is closed");
            }
            CapEntry child = new CapEntry(newCapability(parent.capability.address(), mask), parent.mailbox, parent);
            parent.children.add(child);
            capabilities.put(child.capability, child);
            return child;
        }
    }

    void revoke(Capability authority, Capability target) {
        CapEntry auth = validate(authority, Right.GRANT, "revoke");
        CapEntry victim = lookup(target, "revoke");
        if (!auth.isAncestorOrSelf(victim)) {
            throw reject(Status.NO_RIGHT, victim.mailbox, authority + " is not " + target + " nor one it was derived from");
        }
        revoke(victim);
    }

    /** Revokes capabilities and all derived from them. */
    void revoke(CapEntry... entries) {
        synchronized (capabilityLock) {
            for (CapEntry e : entries) {
                markRevoked(e);
            }
        }
    }

    private static void markRevoked(CapEntry e) {
        e.revoked = true;
        for (CapEntry c : e.children) {
            markRevoked(c);
        }
    }

    Status check(Capability capability) {
        if (capability == null) {
            return Status.FORGED;
        }
        if (!nodeId.equals(capability.address().node())) {
            return Status.NO_ROUTE;
        }
        CapEntry e = capabilities.get(capability);
        if (e == null) {
            return unknown(capability);
        }
        if (e.revoked) {
            return Status.REVOKED;
        }
        return e.mailbox.closed ? Status.CLOSED : Status.OK;
    }

    void close(MailboxImpl mailbox) {
        synchronized (capabilityLock) {
            if (mailbox.closed) {
                return;
            }
            mailbox.markClosed();
            removeTree(mailbox.root);
        }
        mailboxes.remove(mailbox.address.mailbox());
        closedSent.addAndGet(mailbox.sent());
        closedReceived.addAndGet(mailbox.received());
        registrations.closeFor(mailbox.address);
    }

    private void removeTree(CapEntry e) {
        e.revoked = true;
        capabilities.remove(e.capability);
        for (CapEntry c : e.children) {
            removeTree(c);
        }
    }

    private Capability newCapability(Address address, int rights) {
        return new Capability(address, rights, random.nextLong(), random.nextLong());
    }

    /** Finds the entry of a capability for an operation other than send, or throws a counted error. */
    CapEntry validate(Capability capability, Right needed, String operation) {
        CapEntry e = lookup(capability, operation);
        if (e.revoked) {
            throw reject(Status.REVOKED, e.mailbox, operation + " with revoked " + capability);
        }
        if (e.mailbox.closed) {
            throw reject(Status.CLOSED, e.mailbox, operation + ": mailbox " + capability.address() + " is closed");
        }
        if (!needed.in(e.rights)) {
            throw reject(Status.NO_RIGHT, e.mailbox, operation + " needs the " + needed + " right, " + capability
                    + " has only " + Right.letters(e.rights));
        }
        return e;
    }

    private CapEntry lookup(Capability capability, String operation) {
        Objects.requireNonNull(capability, "capability");
        if (!nodeId.equals(capability.address().node())) {
            throw reject(Status.NO_ROUTE, null, operation + ": " + capability + " is for node " + capability.address().node()
                    + ", this is node " + nodeId + "; only the owning kernel checks a capability");
        }
        CapEntry e = capabilities.get(capability);
        if (e == null) {
            Status s = unknown(capability);
            throw reject(s, mailboxes.get(capability.address().mailbox()), operation + ": " + (s == Status.CLOSED
                    ? "mailbox " + capability.address() + " is closed" : capability + " was not issued by this kernel"));
        }
        return e;
    }

    /** A capability missing from the table is for a closed mailbox if its number was handed out and is gone. */
    private Status unknown(Capability capability) {
        long id = capability.address().mailbox();
        return id < nextMailbox.get() && !mailboxes.containsKey(id) ? Status.CLOSED : Status.FORGED;
    }

    /** Counts a refusal and returns the error to throw. */
    KernelException reject(Status status, MailboxImpl mailbox, String message) {
        count(status, mailbox);
        return new KernelException(status, message);
    }

    /** Counts a refusal, for the kernel and for the mailbox if one is known; returns the status. */
    Status count(Status status, MailboxImpl mailbox) {
        rejections[status.ordinal()].increment();
        if (mailbox != null) {
            if (status == Status.FULL || status == Status.TIMEOUT) {
                mailbox.rejectedFull.incrementAndGet();
            } else if (status.isCapabilityError()) {
                mailbox.rejectedCapability.incrementAndGet();
            }
        }
        return status;
    }

    // ---------------------------------------------------------------- sending into a mailbox

    /** Puts a message into a mailbox of this node; waits up to {@code timeoutNanos} for room if that is above 0. */
    Status send(Message message, long timeoutNanos) {
        return send(message, timeoutNanos, false);
    }

    /**
     * Puts a message into a mailbox of this node, as {@link #send(Message, long)}; {@code fromLink}
     * says whether it came from another node (see {@link MailboxImpl#offer(Message, boolean)}).
     */
    private Status send(Message message, long timeoutNanos, boolean fromLink) {
        Capability to = message.to();
        CapEntry e = capabilities.get(to);
        if (e == null) {
            return count(unknown(to), mailboxes.get(to.address().mailbox()));
        }
        MailboxImpl mailbox = e.mailbox;
        if (e.revoked) {
            return count(mailbox.closed ? Status.CLOSED : Status.REVOKED, mailbox);
        }
        if (!Right.SEND.in(e.rights)) {
            return count(Status.NO_RIGHT, mailbox);
        }
        if (mailbox.closed) {
            return count(Status.CLOSED, mailbox);
        }
        if (settings.get().encodeAllMessages()) {
            message = codec.roundTrip(message);
            if (message == null) {
                return count(Status.CODEC_ERROR, mailbox);
            }
        }
        if (timeoutNanos <= 0) {
            return mailbox.offer(message, fromLink) ? Status.OK : count(Status.FULL, mailbox);
        }
        Status s = mailbox.offer(message, timeoutNanos);
        return s == Status.OK ? s : count(s, mailbox);
    }

    @Override
    public Status deliver(Message message, ClientLimits limits) {
        if (!nodeId.equals(message.to().address().node())) {
            return count(Status.NO_ROUTE, null); // a node never relays: final
        }
        return send(limits == null ? message : limited(message, limits), 0L, true);
    }

    /**
     * A client's message with its capability narrowed to what the client's ticket allows: the server
     * rights it lists, and none on a mailbox not registered under a name it lists. The narrower
     * capability is derived once for each capability and mask, and revoked with its parent.
     */
    private Message limited(Message m, ClientLimits limits) {
        CapEntry e = capabilities.get(m.to());
        if (e == null || e.revoked) {
            return m; // refused by send
        }
        int allowed = e.rights & (Right.SEND.bit() | limits.rights());
        if ((allowed & Right.SERVER_BITS) != 0 && !limits.names().isEmpty()
                && !registrations.registeredUnder(e.mailbox.address, limits.names())) {
            allowed &= Right.SEND.bit();
        }
        if (allowed == e.rights) {
            return m;
        }
        ConcurrentHashMap<Integer, CapEntry> cache = e.limited;
        if (cache == null) {
            synchronized (capabilityLock) {
                if (e.limited == null) {
                    e.limited = new ConcurrentHashMap<>(2);
                }
                cache = e.limited;
            }
        }
        CapEntry narrowed;
        try {
            narrowed = cache.computeIfAbsent(allowed, mask -> derive(e, mask));
        } catch (KernelException revokedMeanwhile) {
            return m; // refused by send
        }
        return new Message(m.from(), narrowed.capability, m.replyTo(), m.correlationId(), m.type(), m.payload());
    }

    /** Counts a message its receiver refused (for example a method the capability may not call). */
    void refused(Message message, Status status) {
        Objects.requireNonNull(message, "message");
        if (Objects.requireNonNull(status, "status") == Status.OK) {
            throw new IllegalArgumentException("a refusal needs a status other than OK");
        }
        CapEntry e = capabilities.get(message.to());
        count(status, e == null ? null : e.mailbox);
    }

    // ---------------------------------------------------------------- state

    /** The open mailboxes. */
    Collection<MailboxImpl> all() {
        return mailboxes.values();
    }

    /** The mailbox with this number; null if there is none. */
    MailboxImpl mailbox(long number) {
        return mailboxes.get(number);
    }

    List<MailboxInfo> info() {
        List<MailboxInfo> out = new ArrayList<>();
        for (MailboxImpl m : mailboxes.values()) {
            out.add(m.info());
        }
        out.sort(Comparator.comparingLong(i -> i.address().mailbox()));
        return out;
    }

    int count() {
        return mailboxes.size();
    }

    long created() {
        return nextMailbox.get() - 1;
    }

    int capabilityCount() {
        return capabilities.size();
    }

    /** Messages sent into this node's mailboxes, closed ones included. */
    long sent() {
        long sent = closedSent.get();
        for (MailboxImpl m : mailboxes.values()) {
            sent += m.sent();
        }
        return sent;
    }

    /** Messages taken out of this node's mailboxes, closed ones included. */
    long received() {
        long received = closedReceived.get();
        for (MailboxImpl m : mailboxes.values()) {
            received += m.received();
        }
        return received;
    }

    /** Refusals by status, OK left out. */
    Map<Status, Long> rejections() {
        Map<Status, Long> r = new EnumMap<>(Status.class);
        for (Status s : Status.values()) {
            if (s != Status.OK) {
                r.put(s, rejections[s.ordinal()].sum());
            }
        }
        return Map.copyOf(r);
    }
}
