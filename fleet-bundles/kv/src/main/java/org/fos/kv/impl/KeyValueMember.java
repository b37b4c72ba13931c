package org.fos.kv.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.Replicas;
import org.fos.fleet.api.Replicated;
import org.fos.fleet.api.ReplicatedFleet;
import org.fos.fleet.api.StateMachine;
import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;
import org.fos.kv.api.KeyValue;
import org.fos.kv.api.MemberStats;
import org.fos.kv.api.PutResult;
import org.fos.kv.log.Commands;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * One member of the key-value fleet: it checks a call's arguments and turns it into a command or
 * query of the key's group ({@link KvMachine}). The state is not the member's: it lives in the
 * groups, which the fleet runtime's replication keeps (ConfigAdmin PID {@code org.fos.kv} may set
 * {@code fos.replicated.groups}, fixed at the fleet's first start, and {@code fos.replicated.replicas}).
 * Members on every node serve every key; the synchronous methods are served by their asynchronous
 * twins.
 */
@Component(service = KeyValue.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.kv")
@Fleet(name = KeyValue.NAME, members = 2)
@Replicated(groups = 8, replicas = 3)
public final class KeyValueMember implements KeyValue, ReplicatedFleet {

    private final String servedBy;
    private volatile Replicas replicas;

    /** Creates a member. */
    @Activate
    public KeyValueMember() {
        Bundle b = FrameworkUtil.getBundle(getClass());
        this.servedBy = b == null ? getClass().getSimpleName() : b.getSymbolicName() + "/" + b.getVersion();
    }

    // ---------------------------------------------------------------- ReplicatedFleet

    @Override
    public StateMachine newStateMachine(int group) {
        return new KvMachine();
    }

    @Override
    public Set<Class<?>> commandTypes() {
        return Commands.TYPES;
    }

    @Override
    public void replicas(Replicas r) {
        this.replicas = r;
    }

    // ---------------------------------------------------------------- checks

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
        if (limit < 1 || limit > KvMachine.MAX_SCAN) {
            throw new IllegalArgumentException("scan limit must be from 1 to " + KvMachine.MAX_SCAN + ", was " + limit);
        }
        return limit;
    }

    private Replicas groups() {
        Replicas r = replicas;
        if (r == null) {
            throw new IllegalStateException("this member has no groups yet: it is not bound by a fleet runtime");
        }
        return r;
    }

    private int groupOf(String key) {
        return groups().groupOf(key);
    }

    // ---------------------------------------------------------------- KeyValue

    @Override
    public Entry get(String key) {
        throw servedByTwin("get");
    }

    @Override
    public CompletionStage<Entry> getAsync(String key) {
        checkKey(key);
        return groups().read(groupOf(key), new Commands.Get(key), Entry.class);
    }

    @Override
    public Entry getStale(String key) {
        throw servedByTwin("getStale");
    }

    @Override
    public CompletionStage<Entry> getStaleAsync(String key) {
        checkKey(key);
        return groups().readStale(groupOf(key), new Commands.Get(key), Entry.class);
    }

    @Override
    public PutResult put(String key, byte[] value) {
        throw servedByTwin("put");
    }

    @Override
    public CompletionStage<PutResult> putAsync(String key, byte[] value) {
        checkKey(key);
        checkValue(value);
        return groups().write(groupOf(key), new Commands.Put(key, value), Long.class).thenApply(r -> new PutResult(r, servedBy));
    }

    @Override
    public boolean delete(String key) {
        throw servedByTwin("delete");
    }

    @Override
    public CompletionStage<Boolean> deleteAsync(String key) {
        checkKey(key);
        return groups().write(groupOf(key), new Commands.Delete(key), Boolean.class);
    }

    @Override
    public CasResult compareAndSet(String key, long expectedRevision, byte[] value) {
        throw servedByTwin("compareAndSet");
    }

    @Override
    public CompletionStage<CasResult> compareAndSetAsync(String key, long expectedRevision, byte[] value) {
        checkKey(key);
        checkValue(value);
        if (expectedRevision < 0) {
            throw new IllegalArgumentException("expected revision must not be negative, was " + expectedRevision);
        }
        return groups().write(groupOf(key), new Commands.CompareAndSet(key, expectedRevision, value), CasResult.class);
    }

    @Override
    public CompletionStage<List<Entry>> scan(String prefix, int limit) {
        checkLimit(limit);
        String p = prefix == null ? "" : prefix;
        Replicas r = groups();
        List<CompletableFuture<List<?>>> parts = new ArrayList<>();
        for (int g = 0; g < r.groups(); g++) {
            parts.add(r.read(g, new Commands.Scan(p, limit), List.class).toCompletableFuture().thenApply(l -> l));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            TreeMap<String, Entry> all = new TreeMap<>();
            for (CompletableFuture<List<?>> part : parts) {
                for (Object o : part.join()) {
                    Entry e = (Entry) o;
                    all.put(e.key(), e);
                }
            }
            return List.copyOf(new ArrayList<>(all.values()).subList(0, Math.min(limit, all.size())));
        });
    }

    @Override
    public MemberStats stats() {
        throw servedByTwin("stats");
    }

    @Override
    public CompletionStage<MemberStats> statsAsync() {
        Replicas r = groups();
        List<CompletableFuture<Commands.Counted>> parts = new ArrayList<>();
        for (int g = 0; g < r.groups(); g++) {
            parts.add(r.readStale(g, new Commands.Count(), Commands.Counted.class).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            int keys = 0;
            long last = 0;
            int layout = 0;
            for (CompletableFuture<Commands.Counted> part : parts) {
                keys += part.join().keys();
                last = Math.max(last, part.join().lastRevision());
                layout = Math.max(layout, part.join().layout());
            }
            return new MemberStats(keys, last, servedBy, layout);
        });
    }

    /** A synchronous method reached directly: libfos serves it through its asynchronous twin. */
    private static IllegalStateException servedByTwin(String method) {
        return new IllegalStateException(method + " is served by " + method + "Async: call it through libfos");
    }

    @Override
    public String toString() {
        return "key-value member " + servedBy + " over " + (replicas == null ? "no groups" : replicas.groups() + " groups");
    }
}
