package org.fos.benchmarks;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.fos.kv.api.PutResult;
import org.fos.kv.impl.KeyValueMember;
import org.fos.rpc.api.Libfos;

/**
 * The key-value fleet's member with a fixed amount of work added to every write: a busy spin of
 * {@code workNanos} before the real {@link KeyValueMember#putAsync} (which serves {@code put}), so that a throughput benchmark
 * measures how the fleet spreads work over its members, not how fast a map is.
 */
final class BusyKeyValueMember extends KeyValueMember {
    private final long workNanos;

    /**
     * Creates a member.
     *
     * @param libfos libfos of the member's bundle
     * @param workNanos how long each write spins before it writes
     */
    BusyKeyValueMember(Libfos libfos, long workNanos) {
        super(Map.of(), libfos, null);
        this.workNanos = workNanos;
    }

    /** A member serves put through this twin (see the rpc dispatcher), so the work goes here. */
    @Override
    public CompletionStage<PutResult> putAsync(String key, byte[] value) {
        long end = System.nanoTime() + workNanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
        return super.putAsync(key, value);
    }
}
