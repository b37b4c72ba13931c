package org.fos.kv.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.Stateful;
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
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * One member of the key-value fleet: the keys that key affinity gives it, in a sorted map. Each
 * member is its own instance (prototype scope) and is called only from its member thread, so it
 * needs no lock. Its state is handed to the next version on upgrade (layout {@value #LAYOUT}:
 * parallel lists of keys, values and revisions, and the last revision).
 *
 * <p>Subclasses are later versions: they override {@link #stateLayout()}, {@link #exportState()}
 * and {@link #importState(FleetState)} to change the layout and migrate older ones.
 */
@Component(service = KeyValue.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.kv")
@Fleet(name = KeyValue.NAME, members = 2)
public class KeyValueMember implements KeyValue, Stateful {
    /** The state layout this version writes. */
    static final int LAYOUT = 1;
    private static final int MAX_SCAN = 10_000;

    /** The member's keys. */
    protected final NavigableMap<String, Entry> entries = new TreeMap<>();
    /** The last revision given out. */
    protected long lastRevision;
    private final Libfos libfos;
    private final String fleetName;
    private final String servedBy;

    /**
     * Creates a member.
     *
     * @param properties the component properties, {@code fos.fleet.name} among them
     * @param libfos libfos, for the fan-out of {@link #scan}
     */
    @Activate
    public KeyValueMember(Map<String, Object> properties, @Reference Libfos libfos) {
        this.libfos = libfos;
        this.fleetName = String.valueOf(properties.getOrDefault(Fleet.NAME, KeyValue.NAME));
        Bundle b = FrameworkUtil.getBundle(getClass());
        this.servedBy = b == null ? getClass().getSimpleName() : b.getSymbolicName() + "/" + b.getVersion();
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

    @Override
    public PutResult put(String key, byte[] value) {
        checkKey(key);
        byte[] copy = checkValue(value).clone();
        long revision = ++lastRevision;
        entries.put(key, new Entry(key, copy, revision));
        return new PutResult(revision, servedBy());
    }

    @Override
    public CompletionStage<PutResult> putAsync(String key, byte[] value) {
        return CompletableFuture.completedFuture(put(key, value));
    }

    @Override
    public boolean delete(String key) {
        return entries.remove(checkKey(key)) != null;
    }

    @Override
    public CasResult compareAndSet(String key, long expectedRevision, byte[] value) {
        checkKey(key);
        checkValue(value);
        if (expectedRevision < 0) {
            throw new IllegalArgumentException("expected revision must not be negative, was " + expectedRevision);
        }
        Entry current = entries.get(key);
        long now = current == null ? 0 : current.revision();
        if (now != expectedRevision) {
            return new CasResult(false, now);
        }
        return new CasResult(true, put(key, value).revision());
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
            List<Entry> all = new ArrayList<>();
            for (CompletableFuture<List<Entry>> part : parts) {
                all.addAll(part.join());
            }
            all.sort(Comparator.comparing(Entry::key));
            return List.copyOf(all.subList(0, Math.min(limit, all.size())));
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
