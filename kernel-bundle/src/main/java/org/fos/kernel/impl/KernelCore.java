package org.fos.kernel.impl;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongPredicate;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.KernelStats;
import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.NameListener;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.fos.kernel.api.Subscription;
import org.fos.kernel.spi.ClientLimits;
import org.fos.kernel.spi.EncodedPayload;
import org.fos.kernel.spi.Links;
import org.fos.kernel.spi.NameStore;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a node's kernel: its mailboxes, the capability table, the names (their cache is {@link NameCache}),
 * the transports. One instance a node; every bundle's {@link BundleKernel} delegates here with its
 * bundle id. Thread-safe: the send path takes no lock; creation, narrowing, revocation and name
 * changes are serialised where they change trees.
 */
final class KernelCore implements Links {
    private static final Logger LOG = LoggerFactory.getLogger(KernelCore.class);

    /** Bundle id that stands for the kernel itself as owner. */
    static final long KERNEL_OWNER = 0L;
    /** The rights of the capability a name hands out to any holder: send and call. */
    static final int PUBLIC_BITS = Right.SEND.bit() | Right.CALL.bit();
    /** The rights of a name entry's member capability, which only the cluster's nodes receive. */
    static final int MEMBER_BITS = PUBLIC_BITS | Right.PEER.bit() | Right.ADMIN.bit();

    private final String nodeId;
    private final LongPredicate bundleExists;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong nextMailbox = new AtomicLong(1);
    private final ConcurrentHashMap<Long, MailboxImpl> mailboxes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Capability, CapEntry> capabilities = new ConcurrentHashMap<>();
    private final Object capabilityLock = new Object();
    private final LongAdder[] rejections = new LongAdder[Status.values().length];
    private final AtomicLong closedSent = new AtomicLong();
    private final AtomicLong closedReceived = new AtomicLong();
    private final LongAdder forwarded = new LongAdder();
    private final LocalNameStore local = new LocalNameStore();
    private final Object nameLock = new Object();
    private final AtomicLong nextRegistration = new AtomicLong(1);
    private final Set<UserSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile NameStore external;
    private final NameCache nameCache;
    private final long epoch;
    private final LinkTable links;
    /** Nodes no transport has reached for unreachableAfterMillis; usually empty, read on every resolution. */
    private volatile java.util.Set<String> unreachable = java.util.Set.of();
    /** When each node of the cached names was first seen out of reach (link timer only). */
    private final Map<String, Long> downSince = new HashMap<>();
    private final ScheduledExecutorService linkTimer;
    private final ConcurrentHashMap<Long, RegistrationImpl> registrations = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Transport> transports = new CopyOnWriteArrayList<>();
    private final Set<Class<?>> codecFailures = ConcurrentHashMap.newKeySet();
    /** Payload types already logged as too big for another node (logged once each). */
    private final Set<Class<?>> oversized = ConcurrentHashMap.newKeySet();
    private final ExecutorService events;
    private volatile KernelSettings settings;
    private volatile PayloadCodec codec;
    private volatile boolean closed;

    KernelCore(String nodeId, KernelSettings settings, LongPredicate bundleExists) {
        this.nodeId = Address.requireValidNodeId(nodeId);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.bundleExists = Objects.requireNonNull(bundleExists, "bundleExists");
        this.nameCache = new NameCache(this.nodeId, nameLock, this::storeFor, mailboxes::get, (status, message) -> reject(status, null, message));
        for (int i = 0; i < rejections.length; i++) {
            rejections[i] = new LongAdder();
        }
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fos-name-events-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        long e;
        do {
            e = random.nextLong();
        } while (e == 0);
        this.epoch = e;
        this.links = new LinkTable(this::route, settings.linkCapacity(), TimeUnit.MILLISECONDS.toNanos(settings.retransmitMillis()));
        this.linkTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fos-links-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, settings.retransmitMillis() / 4);
        linkTimer.scheduleWithFixedDelay(links::retransmitOverdue, period, period, TimeUnit.MILLISECONDS);
        long check = Math.max(10, Math.min(250, settings.unreachableAfterMillis() / 4));
        linkTimer.scheduleWithFixedDelay(this::checkReachabilityQuietly, check, check, TimeUnit.MILLISECONDS);
    }

    private void checkReachabilityQuietly() {
        try {
            checkReachability();
        } catch (RuntimeException e) {
            LOG.warn("node {}: checking which nodes are reached failed", nodeId, e);
        }
    }

    String nodeId() {
        return nodeId;
    }

    IdleStrategy idleStrategy() {
        return settings.idle();
    }

    KernelSettings settings() {
        return settings;
    }

    void update(KernelSettings newSettings) {
        this.settings = Objects.requireNonNull(newSettings, "settings");
    }

    void setCodec(PayloadCodec codec) {
        this.codec = codec;
    }

    void addTransport(Transport transport) {
        transports.add(transport);
    }

    void removeTransport(Transport transport) {
        transports.remove(transport);
    }

    // ---------------------------------------------------------------- mailboxes and capabilities

    MailboxHandle createMailbox(long owner, String label, int capacity) {
        Objects.requireNonNull(label, "label");
        ensureOpen();
        if (label.length() > 100) {
            throw new IllegalArgumentException("mailbox label is longer than 100 characters: '" + label.substring(0, 20) + "...'");
        }
        int max = settings.maxMailboxCapacity();
        if (capacity < 1 || capacity > max) {
            throw new IllegalArgumentException("mailbox capacity must be from 1 to " + max + ", was " + capacity);
        }
        Address address = new Address(nodeId, nextMailbox.getAndIncrement());
        MailboxImpl mailbox = new MailboxImpl(this, address, label, Math.max(2, capacity), owner);
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

    private CapEntry derive(CapEntry parent, int mask) {
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
        synchronized (capabilityLock) {
            markRevoked(victim);
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

    void transfer(Capability capability, long bundleId) {
        CapEntry e = validate(capability, Right.RECEIVE, "transfer");
        requireBundle(bundleId);
        e.mailbox.ownerBundleId = bundleId;
    }

    void requireBundle(long bundleId) {
        if (bundleId != KERNEL_OWNER && !bundleExists.test(bundleId)) {
            throw new IllegalArgumentException("no bundle with id " + bundleId);
        }
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
        for (RegistrationImpl r : registrations.values()) {
            if (r.entry().address().equals(mailbox.address)) {
                r.close();
            }
        }
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

    KernelException reject(Status status, MailboxImpl mailbox, String message) {
        count(status, mailbox);
        return new KernelException(status, message);
    }

    private Status count(Status status, MailboxImpl mailbox) {
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

    // ---------------------------------------------------------------- sending

    Status send(Message message) {
        return send(message, 0L);
    }

    /** Sends; waits up to {@code timeoutNanos} for room if that is above 0. */
    Status send(Message message, long timeoutNanos) {
        Capability to = message.to();
        Address address = to.address();
        if (!nodeId.equals(address.node())) {
            return forward(message);
        }
        CapEntry e = capabilities.get(to);
        if (e == null) {
            return count(unknown(to), mailboxes.get(address.mailbox()));
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
        if (settings.encodeAllMessages()) {
            message = roundTrip(message);
            if (message == null) {
                return count(Status.CODEC_ERROR, mailbox);
            }
        }
        if (timeoutNanos <= 0) {
            return mailbox.offer(message) ? Status.OK : count(Status.FULL, mailbox);
        }
        Status s = mailbox.offer(message, timeoutNanos);
        return s == Status.OK ? s : count(s, mailbox);
    }

    private Status forward(Message message) {
        Message m = encodeForWire(message);
        if (m == null) {
            return count(Status.CODEC_ERROR, null);
        }
        Status s = links.forward(message.to().address().node(), m);
        if (s == Status.OK) {
            forwarded.increment();
            return s;
        }
        return count(s, null);
    }

    /** The cheapest transport that reaches a node now, or null. */
    Transport route(String node) {
        Transport best = null;
        int bestCost = Integer.MAX_VALUE;
        for (Transport t : transports) {
            int c;
            try {
                c = t.cost(node);
            } catch (RuntimeException e) {
                LOG.warn("transport {} failed to say whether it reaches node {}", t, node, e);
                continue;
            }
            if (c >= 0 && c < bestCost) {
                best = t;
                bestCost = c;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- links, for transports

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public long deliver(String from, long peerEpoch, long sequence, Message message) {
        return deliver(from, peerEpoch, sequence, message, null);
    }

    @Override
    public long deliver(String from, long peerEpoch, long sequence, Message message, ClientLimits limits) {
        return links.deliver(from, peerEpoch, sequence, message, m -> {
            if (!nodeId.equals(m.to().address().node())) {
                return count(Status.NO_ROUTE, null); // a node never relays: final
            }
            return send(limits == null ? m : limited(m, limits), 0L);
        });
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
        if ((allowed & Right.SERVER_BITS) != 0 && !limits.names().isEmpty() && !registeredUnder(e.mailbox.address, limits.names())) {
            allowed &= Right.SEND.bit();
        }
        if (allowed == e.rights) {
            return m;
        }
        java.util.concurrent.ConcurrentHashMap<Integer, CapEntry> cache = e.limited;
        if (cache == null) {
            synchronized (capabilityLock) {
                if (e.limited == null) {
                    e.limited = new java.util.concurrent.ConcurrentHashMap<>(2);
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

    private boolean registeredUnder(Address address, Set<String> names) {
        for (RegistrationImpl r : registrations.values()) {
            NameEntry entry = r.entry();
            if (entry.address().equals(address) && names.contains(entry.name())) {
                return true;
            }
        }
        return false;
    }

    void refused(Message message, Status status) {
        Objects.requireNonNull(message, "message");
        if (Objects.requireNonNull(status, "status") == Status.OK) {
            throw new IllegalArgumentException("a refusal needs a status other than OK");
        }
        CapEntry e = capabilities.get(message.to());
        count(status, e == null ? null : e.mailbox);
    }

    @Override
    public void acknowledged(String node, long sequence) {
        links.acknowledged(node, sequence);
    }

    @Override
    public void connected(String node, long peerEpoch) {
        links.connected(node, peerEpoch);
    }

    List<LinkInfo> links() {
        return links.info();
    }

    /**
     * Encodes the payload of a message to another node now, so that its sender learns at once if
     * it cannot cross the wire; null if the codec refuses it or it is too big. Without a codec the
     * message goes as it is (the transport encodes it).
     */
    private Message encodeForWire(Message m) {
        PayloadCodec c = codec;
        if (c == null || m.payload() instanceof EncodedPayload) {
            return m;
        }
        Object payload = m.payload();
        Class<?> type = payload == null ? Void.class : payload.getClass();
        byte[] bytes;
        try {
            bytes = c.encode(payload);
        } catch (RuntimeException e) {
            if (codecFailures.add(type)) {
                LOG.warn("payload of type {} (message type {}) cannot go to node {}: {}", type.getName(), m.type(),
                        m.to().address().node(), e.toString());
            }
            return null;
        }
        int max = settings.maxRemotePayloadBytes();
        if (bytes.length > max) {
            if (oversized.add(type)) {
                LOG.warn("payload of type {} (message type {}) for node {} is {} bytes encoded, over maxRemotePayloadBytes {}",
                        type.getName(), m.type(), m.to().address().node(), bytes.length, max);
            }
            return null;
        }
        return new Message(m.from(), m.to(), m.replyTo(), m.correlationId(), m.type(), new EncodedPayload(bytes));
    }

    /** Encodes and decodes the payload, as if the message had crossed the wire; null if that failed. */
    private Message roundTrip(Message m) {
        PayloadCodec c = codec;
        Object payload = m.payload();
        if (c == null) {
            if (codecFailures.add(Void.class)) {
                LOG.warn("encodeAllMessages is on but no PayloadCodec service is registered: sends answer CODEC_ERROR");
            }
            return null;
        }
        try {
            Object copy = c.decode(c.encode(payload));
            return new Message(m.from(), m.to(), m.replyTo(), m.correlationId(), m.type(), copy);
        } catch (RuntimeException e) {
            Class<?> type = payload == null ? Void.class : payload.getClass();
            if (codecFailures.add(type)) {
                LOG.warn("payload of type {} (message type {}) does not cross the wire: {}", type.getName(), m.type(), e.toString());
            }
            return null;
        }
    }

    // ---------------------------------------------------------------- names

    static boolean isBootstrap(String name) {
        return name.equals(NameStore.BOOTSTRAP) || name.startsWith(NameStore.BOOTSTRAP + "/");
    }

    /** The store that holds a name: the kernel's own for bootstrap names or when no store service is bound. */
    private NameStore storeFor(String name) {
        NameStore e = external;
        return e == null || isBootstrap(name) ? local : e;
    }

    RegistrationImpl register(long owner, String name, Capability capability, Map<String, String> properties) {
        Names.requireValidName(name);
        Objects.requireNonNull(properties, "properties");
        CapEntry e = validate(capability, Right.SEND, "register");
        if (!Right.GRANT.in(e.rights)) {
            throw reject(Status.NO_RIGHT, e.mailbox, "register needs the GRANT right to publish " + capability
                    + ", it has only " + Right.letters(e.rights));
        }
        for (Map.Entry<String, String> p : properties.entrySet()) {
            if (p.getKey() == null || p.getValue() == null) {
                throw new IllegalArgumentException("name properties must not hold null: " + properties);
            }
        }
        if (properties.containsKey(NameEntry.MEMBER)) {
            throw new IllegalArgumentException("name property " + NameEntry.MEMBER + " is the kernel's: it carries the member capability");
        }
        // what every holder of the name gets (send, call), and what the cluster's nodes get besides (peer, admin)
        CapEntry published = derive(e, e.rights & PUBLIC_BITS);
        CapEntry member = derive(e, e.rights & MEMBER_BITS);
        Map<String, String> withMember = new HashMap<>(properties);
        withMember.put(NameEntry.MEMBER, NameEntry.memberProperty(member.capability));
        NameEntry entry = new NameEntry(name, published.capability, nextRegistration.getAndIncrement(), withMember);
        RegistrationImpl r = new RegistrationImpl(this, entry, owner);
        synchronized (nameLock) {
            registrations.put(entry.registrationId(), r);
            try {
                storeFor(name).add(entry);
            } catch (RuntimeException ex) {
                registrations.remove(entry.registrationId());
                synchronized (capabilityLock) {
                    markRevoked(published);
                    markRevoked(member);
                }
                throw reject(Status.UNAVAILABLE, e.mailbox, "the name store did not take '" + name + "': " + ex.getMessage());
            }
        }
        if (e.mailbox.closed) {
            r.close(); // the mailbox closed while we registered
        }
        return r;
    }

    /** Enters a member of another node under a bootstrap name, for a kernel that joins without a name store. */
    void bootstrapMember(NameEntry entry) {
        synchronized (nameLock) {
            local.add(entry);
        }
    }

    void deregister(RegistrationImpl r) {
        NameEntry entry = r.entry();
        synchronized (nameLock) {
            registrations.remove(entry.registrationId());
            try {
                storeFor(entry.name()).remove(entry);
            } catch (RuntimeException ex) {
                LOG.warn("the name store did not take the removal of {} from {}: {}", entry.address(), entry.name(), ex.toString());
            }
        }
    }

    List<NameEntry> find(String name) {
        return storeFor(Names.requireValidName(name)).find(name);
    }

    List<NameEntry> list(String prefix) {
        if (!"/".equals(prefix)) {
            Names.requireValidName(prefix);
        }
        NameStore e = external;
        if (e == null || isBootstrap(prefix)) {
            return local.list(prefix);
        }
        List<NameEntry> all = new ArrayList<>(local.list(prefix));
        for (NameEntry entry : e.list(prefix)) {
            if (all.stream().noneMatch(x -> LocalNameStore.same(x, entry))) {
                all.add(entry);
            }
        }
        all.sort(Comparator.comparing(NameEntry::name).thenComparing(x -> x.address().node())
                .thenComparingLong(NameEntry::registrationId));
        return all;
    }

    int nameCount() {
        return registrations.size();
    }

    Subscription subscribe(String name, NameListener listener) {
        Names.requireValidName(name);
        Objects.requireNonNull(listener, "listener");
        UserSubscription s = new UserSubscription(name, listener);
        synchronized (nameLock) {
            s.watch = storeFor(name).watch(name, s::enqueue);
            subscriptions.add(s);
        }
        return s;
    }

    /** Delivers a subscriber's events in order on the events thread. */
    private final class UserSubscription implements Subscription {
        private final String name;
        private final NameListener listener;
        private volatile boolean active = true;
        AutoCloseable watch;

        UserSubscription(String name, NameListener listener) {
            this.name = name;
            this.listener = listener;
        }

        void enqueue(NameEvent event) {
            events.execute(() -> {
                if (active) {
                    try {
                        listener.onChange(event);
                    } catch (RuntimeException e) {
                        LOG.warn("name listener {} failed on {}", listener, event, e);
                    }
                }
            });
        }

        @Override
        public void close() {
            active = false;
            synchronized (nameLock) {
                subscriptions.remove(this);
                closeQuietly(watch);
            }
        }
    }

    Capability resolve(String name, Selection selection, Object key) {
        return nameCache.resolve(name, selection, key, unreachable);
    }

    /** Whether this node reaches a node now, or reached it less than unreachableAfterMillis ago. */
    boolean reachable(String node) {
        return !unreachable.contains(node);
    }

    /**
     * Looks which nodes of the cached names no transport reaches, and since when: a node out of reach
     * for {@code unreachableAfterMillis} joins {@link #unreachable}; one that is reached again leaves it.
     * Runs on the link timer.
     */
    void checkReachability() {
        java.util.Set<String> nodes = new java.util.HashSet<>();
        nameCache.nodesInto(nodes);
        nodes.remove(nodeId);
        long now = System.nanoTime();
        long after = TimeUnit.MILLISECONDS.toNanos(settings.unreachableAfterMillis());
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String node : nodes) {
            if (route(node) != null) {
                downSince.remove(node);
                continue;
            }
            Long since = downSince.putIfAbsent(node, now);
            if (since != null && now - since >= after) {
                out.add(node);
            }
        }
        downSince.keySet().retainAll(nodes);
        if (!out.equals(unreachable)) {
            for (String node : out) {
                if (!unreachable.contains(node)) {
                    LOG.warn("node {}: no transport has reached node {} for {} ms; its members are left out of resolutions",
                            nodeId, node, settings.unreachableAfterMillis());
                }
            }
            for (String node : unreachable) {
                if (!out.contains(node)) {
                    LOG.info("node {}: node {} is reached again", nodeId, node);
                }
            }
            unreachable = java.util.Set.copyOf(out);
        }
    }

    List<Capability> replicas(String name, Object key, int count) {
        return nameCache.replicas(name, key, count);
    }

    List<NameEntry> cached(String name) {
        return nameCache.cached(name);
    }

    /** Sets the node whose members of a node-scoped fleet this kernel uses when it has none of its own. */
    void homeNode(String node) {
        nameCache.homeNode(node);
    }

    /**
     * Switches the store of non-bootstrap names: every registration of this node moves to the new
     * store, the cache and the subscriptions follow their names there (subscribers get a new
     * SNAPSHOT), and the kernel's own store forgets what it no longer holds.
     */
    void setNameStore(NameStore store) {
        synchronized (nameLock) {
            NameStore before = external == null ? local : external;
            NameStore after = store == null ? local : store;
            if (before == after) {
                return;
            }
            for (RegistrationImpl r : registrations.values()) {
                if (r.isActive() && !isBootstrap(r.entry().name())) {
                    try {
                        after.add(r.entry());
                    } catch (RuntimeException e) {
                        LOG.error("moving {} of {} to the name store {} failed", r.entry().address(), r.entry().name(), after, e);
                    }
                }
            }
            external = store;
            nameCache.rewatch(after, n -> !isBootstrap(n));
            for (UserSubscription s : subscriptions) {
                if (!isBootstrap(s.name)) {
                    closeQuietly(s.watch);
                    s.watch = after.watch(s.name, s::enqueue);
                }
            }
            if (before == local) {
                for (RegistrationImpl r : registrations.values()) {
                    if (!isBootstrap(r.entry().name())) {
                        local.remove(r.entry());
                    }
                }
            }
            LOG.info("names are kept in {}", store == null ? "the kernel's own store" : store);
        }
    }

    void unsetNameStore(NameStore store) {
        synchronized (nameLock) {
            if (external == store) {
                setNameStore(null);
            }
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing a name watch failed", e);
        }
    }

    // ---------------------------------------------------------------- ownership and state

    /** Releases what a stopped bundle owns: its mailboxes (which ends their names) and its names. */
    void release(long bundleId) {
        int boxes = 0;
        int names = 0;
        for (MailboxImpl m : mailboxes.values()) {
            if (m.ownerBundleId == bundleId) {
                close(m);
                boxes++;
            }
        }
        for (RegistrationImpl r : registrations.values()) {
            if (r.owner() == bundleId && r.isActive()) {
                r.close();
                names++;
            }
        }
        if (boxes + names > 0) {
            LOG.debug("bundle {} stopped: released {} mailboxes and {} names", bundleId, boxes, names);
        }
    }

    List<MailboxInfo> mailboxes() {
        List<MailboxInfo> out = new ArrayList<>();
        for (MailboxImpl m : mailboxes.values()) {
            out.add(m.info());
        }
        out.sort(Comparator.comparingLong(i -> i.address().mailbox()));
        return out;
    }

    /** The mailbox with this number, for the operator's commands; null if there is none. */
    MailboxImpl mailbox(long number) {
        return mailboxes.get(number);
    }

    KernelStats stats() {
        long sent = closedSent.get();
        long received = closedReceived.get();
        for (MailboxImpl m : mailboxes.values()) {
            sent += m.sent();
            received += m.received();
        }
        Map<Status, Long> r = new EnumMap<>(Status.class);
        for (Status s : Status.values()) {
            if (s != Status.OK) {
                r.put(s, rejections[s.ordinal()].sum());
            }
        }
        return new KernelStats(nodeId, mailboxes.size(), nextMailbox.get() - 1, sent, received, forwarded.sum(),
                capabilities.size(), nameCount(), Map.copyOf(r));
    }

    List<Transport> transports() {
        return List.copyOf(transports);
    }

    private void ensureOpen() {
        if (closed) {
            throw new KernelException(Status.CLOSED, "the kernel of node " + nodeId + " has stopped");
        }
    }

    /** Stops the kernel: closes every mailbox. */
    void shutdown() {
        closed = true;
        for (MailboxImpl m : mailboxes.values()) {
            close(m);
        }
        events.shutdown();
        linkTimer.shutdownNow();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
