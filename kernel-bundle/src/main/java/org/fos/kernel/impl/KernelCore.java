package org.fos.kernel.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.fos.kernel.spi.NameStore;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's kernel: the rooms a message passes through and what ties them together. The mailboxes
 * and capability table are {@link MailboxTable}, the links to other nodes and the transports
 * {@link LinkTable}, the cache of names {@link NameCache}; this class sends (into a mailbox, or
 * onto a link), keeps registrations, subscriptions and the switch of name stores, and watches which
 * nodes are out of reach. One instance a node; every bundle's {@link BundleKernel} delegates here
 * with its bundle id. Thread-safe: the send path takes no lock; creation, narrowing, revocation and
 * name changes are serialised where they change trees.
 */
final class KernelCore {
    private static final Logger LOG = LoggerFactory.getLogger(KernelCore.class);

    /** Bundle id that stands for the kernel itself as owner. */
    static final long KERNEL_OWNER = 0L;
    /** The rights of the capability a name hands out to any holder: send and call. */
    static final int PUBLIC_BITS = Right.SEND.bit() | Right.CALL.bit();
    /** The rights of a name entry's member capability, which only the cluster's nodes receive. */
    static final int MEMBER_BITS = PUBLIC_BITS | Right.PEER.bit() | Right.ADMIN.bit();

    private final String nodeId;
    private final LongPredicate bundleExists;
    private final WireCodec codec;
    private final Registrations registrations = new Registrations();
    private final MailboxTable mailboxes;
    private final LinkTable links;
    private final LongAdder forwarded = new LongAdder();
    private final LocalNameStore local = new LocalNameStore();
    private final Object nameLock = new Object();
    private final AtomicLong nextRegistration = new AtomicLong(1);
    private final Set<UserSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile NameStore external;
    private final NameCache nameCache;
    /** When each node of the cached names was first seen out of reach (link timer only). */
    private final Map<String, Long> downSince = new HashMap<>();
    /** Every node out of reach, those of no cached name included; the name cache has those of its names. */
    private volatile java.util.Set<String> unreachable = java.util.Set.of();
    private final ScheduledExecutorService linkTimer;
    private final ExecutorService events;
    private volatile KernelSettings settings;
    private volatile boolean closed;

    KernelCore(String nodeId, KernelSettings settings, LongPredicate bundleExists) {
        this.nodeId = Address.requireValidNodeId(nodeId);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.bundleExists = Objects.requireNonNull(bundleExists, "bundleExists");
        this.codec = new WireCodec(this::settings);
        this.mailboxes = new MailboxTable(this.nodeId, this::settings, codec, registrations);
        this.links = new LinkTable(mailboxes, settings.linkCapacity(), TimeUnit.MILLISECONDS.toNanos(settings.retransmitMillis()),
                this::notifyUndelivered);
        mailboxes.assistWith(links::assist, links::parkedReader);
        this.nameCache = new NameCache(this.nodeId, nameLock, this::storeFor, mailboxes::mailbox,
                (status, message) -> mailboxes.reject(status, null, message));
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fos-name-events-" + nodeId);
            t.setDaemon(true);
            return t;
        });
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

    KernelSettings settings() {
        return settings;
    }

    void update(KernelSettings newSettings) {
        this.settings = Objects.requireNonNull(newSettings, "settings");
    }

    void setCodec(PayloadCodec codec) {
        this.codec.set(codec);
    }

    void addTransport(Transport transport) {
        links.addTransport(transport);
    }

    void removeTransport(Transport transport) {
        links.removeTransport(transport);
    }

    /** The links to other nodes: the {@link org.fos.kernel.spi.Links} the transports are given. */
    LinkTable linkTable() {
        return links;
    }

    // ---------------------------------------------------------------- mailboxes and capabilities

    MailboxHandle createMailbox(long owner, String label, int capacity) {
        return createMailbox(owner, label, capacity, null);
    }

    MailboxHandle createMailbox(long owner, String label, int capacity, org.fos.kernel.api.DirectDelivery direct) {
        ensureOpen();
        return mailboxes.create(owner, label, capacity, direct);
    }

    MailboxHandle open(Capability capability) {
        return mailboxes.open(capability);
    }

    Capability narrow(Capability capability, Set<Right> rights) {
        return mailboxes.narrow(capability, rights);
    }

    void revoke(Capability authority, Capability target) {
        mailboxes.revoke(authority, target);
    }

    Status check(Capability capability) {
        return mailboxes.check(capability);
    }

    void transfer(Capability capability, long bundleId) {
        CapEntry e = mailboxes.validate(capability, Right.RECEIVE, "transfer");
        requireBundle(bundleId);
        e.mailbox.ownerBundleId = bundleId;
    }

    void requireBundle(long bundleId) {
        if (bundleId != KERNEL_OWNER && !bundleExists.test(bundleId)) {
            throw new IllegalArgumentException("no bundle with id " + bundleId);
        }
    }

    void refused(Message message, Status status) {
        mailboxes.refused(message, status);
    }

    // ---------------------------------------------------------------- sending

    Status send(Message message) {
        return send(message, 0L);
    }

    /**
     * Sends: into a mailbox of this node ({@link MailboxTable#send}), or onto the link to the node of
     * the capability ({@link LinkTable#forward}), its payload encoded first. Waits up to
     * {@code timeoutNanos} for room in a local mailbox if that is above 0.
     */
    Status send(Message message, long timeoutNanos) {
        String node = message.to().address().node();
        if (nodeId.equals(node)) {
            return mailboxes.send(message, timeoutNanos);
        }
        Message m = codec.encodeForWire(message);
        if (m == null) {
            return mailboxes.count(Status.CODEC_ERROR, null);
        }
        Status s = links.forward(node, m);
        if (s == Status.OK) {
            forwarded.increment();
            return s;
        }
        return mailboxes.count(s, null);
    }

    /**
     * Sends the {@link Message#UNDELIVERED} notice of a message from another node that this node
     * refused for good. Best effort: a notice that cannot be sent is dropped (its sender then waits for
     * its timeout, as it would without notices); its refusal is counted as any send's.
     */
    private void notifyUndelivered(Message notice) {
        try {
            send(notice);
        } catch (RuntimeException e) {
            LOG.debug("the notice of an undelivered message to {} could not be sent", notice.to().address(), e);
        }
    }

    /** The cheapest transport that reaches a node now, or null. */
    Transport route(String node) {
        return links.route(node);
    }

    List<LinkInfo> links() {
        return links.info();
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
        CapEntry e = mailboxes.validate(capability, Right.SEND, "register");
        if (!Right.GRANT.in(e.rights)) {
            throw mailboxes.reject(Status.NO_RIGHT, e.mailbox, "register needs the GRANT right to publish " + capability
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
        CapEntry published = mailboxes.derive(e, e.rights & PUBLIC_BITS);
        CapEntry member = mailboxes.derive(e, e.rights & MEMBER_BITS);
        Map<String, String> withMember = new HashMap<>(properties);
        withMember.put(NameEntry.MEMBER, NameEntry.memberProperty(member.capability));
        NameEntry entry = new NameEntry(name, published.capability, nextRegistration.getAndIncrement(), withMember);
        RegistrationImpl r = new RegistrationImpl(this, entry, owner);
        synchronized (nameLock) {
            registrations.add(r);
            try {
                storeFor(name).add(entry);
            } catch (RuntimeException ex) {
                registrations.remove(entry);
                mailboxes.revoke(published, member);
                throw mailboxes.reject(Status.UNAVAILABLE, e.mailbox, "the name store did not take '" + name + "': " + ex.getMessage());
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
            registrations.remove(entry);
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
        return nameCache.resolve(name, selection, key);
    }

    /** The name cache, which {@link BundleKernel} resolves through without passing here. */
    NameCache nameCache() {
        return nameCache;
    }

    /** Whether this node reaches a node now, or reached it less than unreachableAfterMillis ago. */
    boolean reachable(String node) {
        return !unreachable.contains(node);
    }

    /**
     * Looks which nodes no transport reaches, and since when: those of the cached names and those this
     * node has a link to. A node out of reach for {@code unreachableAfterMillis} is unreachable, and the
     * name cache's {@link NameCache#unreachable()} has it while it has members there; one that is reached
     * again leaves both. The nodes of links count even when none of their members is cached any more: a
     * node's members leave their names when its ZooKeeper session expires, which may come before its
     * links fall silent for long enough, and a call waiting for a member there must still learn that the
     * node is out of reach.
     * Runs on the link timer.
     */
    void checkReachability() {
        java.util.Set<String> named = new java.util.HashSet<>();
        nameCache.nodesInto(named);
        java.util.Set<String> nodes = new java.util.HashSet<>(named);
        links.nodesInto(nodes);
        nodes.remove(nodeId);
        long now = System.nanoTime();
        long after = TimeUnit.MILLISECONDS.toNanos(settings.unreachableAfterMillis());
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String node : nodes) {
            if (links.route(node) != null) {
                downSince.remove(node);
                continue;
            }
            Long since = downSince.putIfAbsent(node, now);
            if (since != null && now - since >= after) {
                out.add(node);
            }
        }
        downSince.keySet().retainAll(nodes);
        java.util.Set<String> before = unreachable;
        if (!out.equals(before)) {
            for (String node : out) {
                if (!before.contains(node)) {
                    LOG.warn("node {}: no transport has reached node {} for {} ms; its members are left out of resolutions",
                            nodeId, node, settings.unreachableAfterMillis());
                }
            }
            for (String node : before) {
                if (!out.contains(node)) {
                    LOG.info("node {}: node {} is reached again", nodeId, node);
                }
            }
            unreachable = java.util.Set.copyOf(out);
        }
        // resolutions look only at the nodes of their members: a node that has none stays out of their way
        out.retainAll(named);
        if (!out.equals(nameCache.unreachable())) {
            nameCache.unreachable(java.util.Set.copyOf(out));
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
            for (RegistrationImpl r : registrations.all()) {
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
                for (RegistrationImpl r : registrations.all()) {
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
        for (MailboxImpl m : mailboxes.all()) {
            if (m.ownerBundleId == bundleId) {
                mailboxes.close(m);
                boxes++;
            }
        }
        for (RegistrationImpl r : registrations.all()) {
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
        return mailboxes.info();
    }

    /** The mailbox with this number, for the operator's commands; null if there is none. */
    MailboxImpl mailbox(long number) {
        return mailboxes.mailbox(number);
    }

    KernelStats stats() {
        return new KernelStats(nodeId, mailboxes.count(), mailboxes.created(), mailboxes.sent(), mailboxes.received(),
                forwarded.sum(), mailboxes.capabilityCount(), nameCount(), mailboxes.rejections());
    }

    List<Transport> transports() {
        return links.transports();
    }

    private void ensureOpen() {
        if (closed) {
            throw new KernelException(Status.CLOSED, "the kernel of node " + nodeId + " has stopped");
        }
    }

    /** Stops the kernel: closes every mailbox. */
    void shutdown() {
        closed = true;
        for (MailboxImpl m : mailboxes.all()) {
            mailboxes.close(m);
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
