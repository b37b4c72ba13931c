package org.fos.kv.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.MemberAware;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.MemberIdentity;
import org.fos.fleet.api.Stateful;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.Subscription;
import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;
import org.fos.kv.api.KeyValue;
import org.fos.kv.api.MemberStats;
import org.fos.kv.api.PutResult;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the key-value fleet: the keys that key affinity gives it (and copies of the keys it
 * backs up), in a sorted map. Each member is its own instance (prototype scope) and is called only
 * from its member thread, so it needs no lock. A write is applied, then copied to the key's other
 * replicas ({@code fos.kv.replicas}, default 2, on distinct nodes) before it is acknowledged; the
 * member goes on serving meanwhile. When a member leaves the fleet, every member copies the keys it
 * now owns to their current backups. Its state is handed to the next version on upgrade (layout
 * {@value #LAYOUT}: parallel lists of keys, values and revisions, and the last revision).
 *
 * <p>Subclasses are later versions: they override {@link #stateLayout()}, {@link #exportState()}
 * and {@link #importState(FleetState)} to change the layout and migrate older ones.
 */
@Component(service = KeyValue.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.kv")
@Fleet(name = KeyValue.NAME, members = 2)
public class KeyValueMember implements KeyValue, Stateful, MemberAware {
    private static final Logger LOG = LoggerFactory.getLogger(KeyValueMember.class);
    /** The state layout this version writes. */
    static final int LAYOUT = 1;
    /** Service property: on how many nodes each key is kept. */
    public static final String REPLICAS = "fos.kv.replicas";
    private static final int MAX_SCAN = 10_000;
    private static final CallOptions COPY = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5));
    /** How long a write keeps trying to reach its replicas, below a caller's default 30 s timeout. */
    static final Duration COPY_PATIENCE = Duration.ofSeconds(20);

    /** The member's keys. */
    protected final NavigableMap<String, Entry> entries = new TreeMap<>();
    /** Revisions of removed keys, so that an older copy does not bring a key back. */
    private final Map<String, Long> removed = new HashMap<>();
    /** The last revision given out. */
    protected long lastRevision;
    private final Libfos libfos;
    private final Kernel kernel;
    private final String fleetName;
    private final String servedBy;
    private final int replicas;
    private final Map<Address, KeyValue> peers = new HashMap<>();
    private volatile Address self;
    private Subscription membersWatch;

    /**
     * Creates a member.
     *
     * @param properties the component properties, {@code fos.fleet.name} and {@code fos.kv.replicas} among them
     * @param libfos libfos, for the fan-out of {@link #scan} and the copies of writes
     * @param kernel the kernel, for the replicas of a key
     */
    @Activate
    public KeyValueMember(Map<String, Object> properties, @Reference Libfos libfos, @Reference Kernel kernel) {
        this.libfos = libfos;
        this.kernel = kernel;
        this.fleetName = String.valueOf(properties.getOrDefault(Fleet.NAME, KeyValue.NAME));
        Object r = properties.getOrDefault(REPLICAS, 2);
        this.replicas = r instanceof Number n ? n.intValue() : Integer.parseInt(r.toString().trim());
        if (replicas < 1 || replicas > 5) {
            throw new IllegalArgumentException(REPLICAS + " must be from 1 to 5, was " + replicas);
        }
        Bundle b = FrameworkUtil.getBundle(getClass());
        this.servedBy = b == null ? getClass().getSimpleName() : b.getSymbolicName() + "/" + b.getVersion();
    }

    @Override
    public void joined(MemberIdentity identity) {
        this.self = identity.address();
        if (kernel != null) {
            membersWatch = kernel.names().subscribe(fleetName, event -> {
                if (event.kind() == NameEvent.Kind.REMOVED && !event.entry().address().equals(self)) {
                    copyOwnedKeysAgain(event.members());
                }
            });
        }
    }

    /** A member left: this member's loop copies the keys it now owns (a request to itself, so it runs there). */
    private void copyOwnedKeysAgain(List<NameEntry> members) {
        for (NameEntry e : members) {
            if (e.address().equals(self)) {
                libfos.proxy(KeyValue.class, e.capability(), COPY).rereplicate().whenComplete((n, error) -> {
                    if (error != null) {
                        LOG.warn("member {} of {} could not copy its keys again: {}", self, fleetName, error.toString());
                    }
                });
                return;
            }
        }
    }

    /** Stops following the fleet's members. */
    @Deactivate
    protected void deactivate() {
        if (membersWatch != null) {
            membersWatch.close();
        }
    }

    /**
     * Returns the implementation that serves: bundle symbolic name and version.
     *
     * @return the text
     */
    protected String servedBy() {
        return servedBy;
    }

    /**
     * Returns the state layout this version writes.
     *
     * @return the layout version
     */
    protected int stateLayout() {
        return LAYOUT;
    }

    static String checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key is empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key is " + key.length() + " characters, more than " + MAX_KEY_LENGTH);
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                throw new IllegalArgumentException("key has a control character at " + i);
            }
        }
        return key;
    }

    static byte[] checkValue(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("value is missing");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value is " + value.length + " bytes, more than " + MAX_VALUE_BYTES);
        }
        return value;
    }

    private static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_SCAN) {
            throw new IllegalArgumentException("scan limit must be from 1 to " + MAX_SCAN + ", was " + limit);
        }
        return limit;
    }

    @Override
    public Entry get(String key) {
        return entries.get(checkKey(key));
    }

    @Override
    public CompletionStage<Entry> getAsync(String key) {
        return CompletableFuture.completedFuture(get(key));
    }

    /** Served through {@link #putAsync}; called directly only outside a fleet. */
    @Override
    public PutResult put(String key, byte[] value) {
        return putAsync(key, value).toCompletableFuture().join();
    }

    @Override
    public CompletionStage<PutResult> putAsync(String key, byte[] value) {
        checkKey(key);
        byte[] copy = checkValue(value).clone();
        long revision = write(key, copy);
        PutResult result = new PutResult(revision, servedBy());
        return copyToReplicas(key, copy, revision).thenApply(done -> result);
    }

    /** Applies a write here and gives its revision. */
    private long write(String key, byte[] value) {
        long revision = ++lastRevision;
        entries.put(key, new Entry(key, value, revision));
        removed.remove(key);
        return revision;
    }

    /** Served through {@link #deleteAsync}; called directly only outside a fleet. */
    @Override
    public boolean delete(String key) {
        return deleteAsync(key).toCompletableFuture().join();
    }

    @Override
    public CompletionStage<Boolean> deleteAsync(String key) {
        checkKey(key);
        boolean present = entries.remove(key) != null;
        long revision = ++lastRevision;
        removed.put(key, revision);
        return copyToReplicas(key, null, revision).thenApply(done -> present);
    }

    /** Served through {@link #compareAndSetAsync}; called directly only outside a fleet. */
    @Override
    public CasResult compareAndSet(String key, long expectedRevision, byte[] value) {
        return compareAndSetAsync(key, expectedRevision, value).toCompletableFuture().join();
    }

    @Override
    public CompletionStage<CasResult> compareAndSetAsync(String key, long expectedRevision, byte[] value) {
        checkKey(key);
        checkValue(value);
        if (expectedRevision < 0) {
            throw new IllegalArgumentException("expected revision must not be negative, was " + expectedRevision);
        }
        Entry current = entries.get(key);
        long now = current == null ? 0 : current.revision();
        if (now != expectedRevision) {
            return CompletableFuture.completedFuture(new CasResult(false, now));
        }
        byte[] copy = value.clone();
        long revision = write(key, copy);
        return copyToReplicas(key, copy, revision).thenApply(done -> new CasResult(true, revision));
    }

    @Override
    public CompletionStage<Boolean> replicate(String key, byte[] value, long revision) {
        checkKey(key);
        Entry current = entries.get(key);
        long known = Math.max(current == null ? 0 : current.revision(), removed.getOrDefault(key, 0L));
        if (revision > known) {
            if (value == null) {
                entries.remove(key);
                removed.put(key, revision);
            } else {
                entries.put(key, new Entry(key, checkValue(value), revision));
                removed.remove(key);
            }
        }
        lastRevision = Math.max(lastRevision, revision);
        return CompletableFuture.completedFuture(Boolean.TRUE);
    }

    @Override
    public CompletionStage<Integer> rereplicate() {
        List<CompletableFuture<Void>> copies = new ArrayList<>();
        for (Entry e : entries.values()) {
            List<Capability> r = replicasOf(e.key());
            if (!r.isEmpty() && r.get(0).address().equals(self)) {
                copies.add(copyToReplicas(e.key(), e.value(), e.revision()).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(copies.toArray(new CompletableFuture<?>[0])).thenApply(done -> copies.size());
    }

    private List<Capability> replicasOf(String key) {
        if (kernel == null || self == null || replicas < 2) {
            return List.of();
        }
        return kernel.names().replicas(fleetName, key, replicas);
    }

    /**
     * Sends a write to the key's other replicas; completes when they all hold it. A failed copy (a
     * replica died, or left) is sent again, to the replicas picked afresh from the current members,
     * until {@link #COPY_PATIENCE} has passed: a dead node's members leave the names only after its
     * session expires, so the first retries may still pick it. Copies carry the revision, so a
     * replica that already holds one ignores it again.
     */
    private CompletionStage<Void> copyToReplicas(String key, byte[] value, long revision) {
        return copyToReplicas(key, value, revision, System.nanoTime() + COPY_PATIENCE.toNanos(), 1);
    }

    private CompletionStage<Void> copyToReplicas(String key, byte[] value, long revision, long deadline, int attempt) {
        return sendCopies(key, value, revision).handle((ok, error) -> error).thenCompose(error -> {
            if (error == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (System.nanoTime() - deadline >= 0) {
                return CompletableFuture.<Void>failedFuture(error);
            }
            LOG.debug("copy {} of {} (revision {}) failed, picking the replicas again: {}", attempt, key, revision, error.toString());
            Executor later = CompletableFuture.delayedExecutor(Math.min(1000, 100L * attempt), TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later)
                    .thenCompose(x -> copyToReplicas(key, value, revision, deadline, attempt + 1));
        });
    }

    private CompletionStage<Void> sendCopies(String key, byte[] value, long revision) {
        List<CompletableFuture<Boolean>> copies = new ArrayList<>();
        for (Capability c : replicasOf(key)) {
            if (!c.address().equals(self)) {
                copies.add(peer(c).replicate(key, value, revision).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(copies.toArray(new CompletableFuture<?>[0]));
    }

    private KeyValue peer(Capability c) {
        return peers.computeIfAbsent(c.address(), a -> libfos.proxy(KeyValue.class, c, COPY));
    }

    @Override
    public CompletionStage<List<Entry>> scan(String prefix, int limit) {
        checkLimit(limit);
        String p = prefix == null ? "" : prefix;
        List<KeyValue> members = libfos.members(KeyValue.class, fleetName, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)));
        List<CompletableFuture<List<Entry>>> parts = new ArrayList<>();
        for (KeyValue m : members) {
            parts.add(m.scanMember(p, limit).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            // a key is on several members in a cluster: keep its latest copy
            TreeMap<String, Entry> all = new TreeMap<>();
            for (CompletableFuture<List<Entry>> part : parts) {
                for (Entry e : part.join()) {
                    all.merge(e.key(), e, (a, b) -> a.revision() >= b.revision() ? a : b);
                }
            }
            return List.copyOf(new ArrayList<>(all.values()).subList(0, Math.min(limit, all.size())));
        });
    }

    @Override
    public CompletionStage<List<Entry>> scanMember(String prefix, int limit) {
        checkLimit(limit);
        String p = prefix == null ? "" : prefix;
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.tailMap(p, true).values()) {
            if (!e.key().startsWith(p) || out.size() == limit) {
                break;
            }
            out.add(e);
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public MemberStats stats() {
        return new MemberStats(entries.size(), lastRevision, servedBy(), stateLayout());
    }

    @Override
    public FleetState exportState() {
        List<String> keys = new ArrayList<>(entries.size());
        List<byte[]> values = new ArrayList<>(entries.size());
        List<Long> revisions = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            keys.add(e.key());
            values.add(e.value());
            revisions.add(e.revision());
        }
        Map<String, Object> data = new HashMap<>();
        data.put("keys", keys);
        data.put("values", values);
        data.put("revisions", revisions);
        data.put("lastRevision", lastRevision);
        return new FleetState(LAYOUT, data);
    }

    /**
     * Takes over a layout-1 state.
     *
     * @param state the state
     * @throws IllegalArgumentException if its layout is not 1 or it is malformed
     */
    @Override
    public void importState(FleetState state) {
        if (state.version() != LAYOUT) {
            throw new IllegalArgumentException("this version reads state layout " + LAYOUT + ", not " + state.version());
        }
        importLayout1(state.data());
    }

    /**
     * Loads the parallel lists of layout 1.
     *
     * @param data the state's data
     * @throws IllegalArgumentException if the data is malformed
     */
    protected final void importLayout1(Object data) {
        if (data == null) {
            return;
        }
        if (!(data instanceof Map<?, ?> map) || !(map.get("keys") instanceof List<?> keys)
                || !(map.get("values") instanceof List<?> values) || !(map.get("revisions") instanceof List<?> revisions)
                || !(map.get("lastRevision") instanceof Long last)) {
            throw new IllegalArgumentException("state layout 1 needs keys, values, revisions and lastRevision");
        }
        if (keys.size() != values.size() || keys.size() != revisions.size()) {
            throw new IllegalArgumentException("state layout 1 has " + keys.size() + " keys, " + values.size() + " values and "
                    + revisions.size() + " revisions");
        }
        entries.clear();
        for (int i = 0; i < keys.size(); i++) {
            String k = (String) keys.get(i);
            entries.put(k, new Entry(k, (byte[]) values.get(i), (Long) revisions.get(i)));
        }
        lastRevision = last;
    }
}
