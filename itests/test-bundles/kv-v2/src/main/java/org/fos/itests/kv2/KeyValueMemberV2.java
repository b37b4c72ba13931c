package org.fos.itests.kv2;

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
 * Version 2 of a key-value member: its own class, not an extension of version 1's. It writes the same
 * commands (the log format of {@code org.fos.kv.log}), and its state machines keep state layout 2,
 * restoring layout 1 by migrating it.
 */
@Component(service = KeyValue.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.kv")
@Fleet(name = KeyValue.NAME, members = 2)
@Replicated(groups = 8, replicas = 3)
public final class KeyValueMemberV2 implements KeyValue, ReplicatedFleet {
    private final String servedBy;
    private volatile Replicas replicas;

    /** Creates a member. */
    @Activate
    public KeyValueMemberV2() {
        Bundle b = FrameworkUtil.getBundle(getClass());
        this.servedBy = b == null ? getClass().getSimpleName() : b.getSymbolicName() + "/" + b.getVersion();
    }

    @Override
    public StateMachine newStateMachine(int group) {
        return new KvMachineV2();
    }

    @Override
    public Set<Class<?>> commandTypes() {
        return Commands.TYPES;
    }

    @Override
    public void replicas(Replicas r) {
        this.replicas = r;
    }

    private static String key(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || key.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("key must be 1 to " + MAX_KEY_LENGTH + " characters without control characters");
        }
        return key;
    }

    private static byte[] value(byte[] value) {
        if (value == null || value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value must be present and at most " + MAX_VALUE_BYTES + " bytes");
        }
        return value;
    }

    @Override
    public Entry get(String key) {
        throw new IllegalStateException("served by getAsync");
    }

    @Override
    public CompletionStage<Entry> getAsync(String key) {
        return replicas.read(replicas.groupOf(key(key)), new Commands.Get(key), Entry.class);
    }

    @Override
    public Entry getStale(String key) {
        throw new IllegalStateException("served by getStaleAsync");
    }

    @Override
    public CompletionStage<Entry> getStaleAsync(String key) {
        return replicas.readStale(replicas.groupOf(key(key)), new Commands.Get(key), Entry.class);
    }

    @Override
    public PutResult put(String key, byte[] value) {
        throw new IllegalStateException("served by putAsync");
    }

    @Override
    public CompletionStage<PutResult> putAsync(String key, byte[] value) {
        return replicas.write(replicas.groupOf(key(key)), new Commands.Put(key, value(value)), Long.class)
                .thenApply(r -> new PutResult(r, servedBy));
    }

    @Override
    public boolean delete(String key) {
        throw new IllegalStateException("served by deleteAsync");
    }

    @Override
    public CompletionStage<Boolean> deleteAsync(String key) {
        return replicas.write(replicas.groupOf(key(key)), new Commands.Delete(key), Boolean.class);
    }

    @Override
    public CasResult compareAndSet(String key, long expectedRevision, byte[] value) {
        throw new IllegalStateException("served by compareAndSetAsync");
    }

    @Override
    public CompletionStage<CasResult> compareAndSetAsync(String key, long expectedRevision, byte[] value) {
        if (expectedRevision < 0) {
            throw new IllegalArgumentException("expected revision must not be negative, was " + expectedRevision);
        }
        return replicas.write(replicas.groupOf(key(key)), new Commands.CompareAndSet(key, expectedRevision, value(value)),
                CasResult.class);
    }

    @Override
    public CompletionStage<List<Entry>> scan(String prefix, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("scan limit must be from 1 to 10000, was " + limit);
        }
        String p = prefix == null ? "" : prefix;
        List<CompletableFuture<List<?>>> parts = new ArrayList<>();
        for (int g = 0; g < replicas.groups(); g++) {
            parts.add(replicas.read(g, new Commands.Scan(p, limit), List.class).toCompletableFuture().thenApply(l -> l));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            TreeMap<String, Entry> all = new TreeMap<>();
            parts.forEach(part -> part.join().forEach(o -> all.put(((Entry) o).key(), (Entry) o)));
            return List.copyOf(new ArrayList<>(all.values()).subList(0, Math.min(limit, all.size())));
        });
    }

    @Override
    public MemberStats stats() {
        throw new IllegalStateException("served by statsAsync");
    }

    @Override
    public CompletionStage<MemberStats> statsAsync() {
        List<CompletableFuture<Commands.Counted>> parts = new ArrayList<>();
        for (int g = 0; g < replicas.groups(); g++) {
            parts.add(replicas.readStale(g, new Commands.Count(), Commands.Counted.class).toCompletableFuture());
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
}
