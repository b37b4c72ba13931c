package org.fos.fs.engine;

import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

import org.fos.block.api.BlockDevice;
import org.fos.fs.api.TryAgainException;
import org.fos.fs.peers.FsPeers;
import org.fos.fs.peers.Mounted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a member's calls may run: not before the file system is mounted (the first call asks the
 * coordinator, and is sent again through the fleet once it answered), not while the call's group is
 * pinned by another cross-group operation or the member is frozen for a check (the call is kept and
 * run when that ends), and never once this version was replaced (then it is answered with
 * {@link TryAgainException}). A call that reached a member that does not own its group, as while
 * the members register, is sent on. Not thread-safe: the member thread alone uses it.
 */
final class Gates {
    private static final Logger LOG = LoggerFactory.getLogger(Gates.class);

    /** The work of a call, run on the member thread. */
    @FunctionalInterface
    interface Op<T> {
        T run() throws Exception;
    }

    /** A call kept until its group is unpinned or its member thawed. */
    private record Held(int group, long tx, CompletableFuture<Object> future, Op<?> op) {
    }

    private final String fleetName;
    private final String deviceName;
    private final String servedBy;
    private final BlockDevice device;
    private final FsPeers fleet;
    private final IntPredicate owns;
    private final Consumer<Layout> mounted;

    private volatile Layout layout;
    private volatile long fence;
    private CompletableFuture<Mounted> mounting;
    private volatile boolean retired;
    private final Map<Integer, Long> pins = new HashMap<>();
    private final List<Held> held = new ArrayList<>();
    private boolean frozen;

    /**
     * Creates the gates of a member.
     *
     * @param mounted told the layout once the file system is mounted, before the first call runs
     */
    Gates(String fleetName, String deviceName, String servedBy, BlockDevice device, FsPeers fleet, IntPredicate owns,
            Consumer<Layout> mounted) {
        this.fleetName = fleetName;
        this.deviceName = deviceName;
        this.servedBy = servedBy;
        this.device = device;
        this.fleet = fleet;
        this.owns = owns;
        this.mounted = mounted;
    }

    Layout layout() {
        return layout;
    }

    long fence() {
        return fence;
    }

    boolean retired() {
        return retired;
    }

    static <T> CompletableFuture<T> failed(Throwable t) {
        CompletableFuture<T> f = new CompletableFuture<>();
        f.completeExceptionally(t);
        return f;
    }

    TryAgainException retiredError() {
        return new TryAgainException("version " + servedBy + " of " + fleetName + " was replaced before it answered");
    }

    /** Asks the coordinator to mount the file system, once; then reads its layout. */
    CompletableFuture<Mounted> mount() {
        if (mounting == null) {
            mounting = attempt(() -> fleet.peerMount(0)).toCompletableFuture().thenApply(m -> {
                try {
                    Layout l = Volume.layout(device);
                    if (l == null) {
                        throw new CompletionException(new FileSystemException(deviceName, null, "holds no file system"));
                    }
                    fence = m.fence();
                    layout = l;
                    mounted.accept(l);
                } catch (FileSystemException e) {
                    throw new CompletionException(e);
                }
                return m;
            });
            mounting.whenComplete((m, e) -> {
                if (e != null) {
                    LOG.warn("{}: mounting {} failed: {}", fleetName, deviceName, e.getMessage());
                }
            });
        }
        return mounting;
    }

    /**
     * Runs a call about a group: at once if it may, else when it may. {@code again} sends the same
     * call through the fleet, for after the mount (the continuation runs off the member thread).
     */
    @SuppressWarnings("unchecked")
    <T> CompletionStage<T> call(int group, long tx, Op<T> op, Op<CompletionStage<T>> again) {
        if (retired) {
            return failed(retiredError());
        }
        if (layout == null) {
            CompletableFuture<Mounted> m = mount();
            if (m.isCompletedExceptionally()) {
                mounting = null;
            }
            return m.thenCompose(x -> attempt(again));
        }
        if (group < 0 || group >= layout.groups) {
            return failed(new IllegalArgumentException("group " + group + " does not exist: the file system has " + layout.groups
                    + " groups"));
        }
        if (!owns.test(group)) {
            return attempt(again);
        }
        if (held(group, tx)) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            held.add(new Held(group, tx, f, op));
            return (CompletionStage<T>) f;
        }
        return run(op);
    }

    /** Whether calls about a group wait now: the member is frozen, or the group pinned by another operation. */
    boolean held(int group, long tx) {
        return frozen || (pins.containsKey(group) && pins.get(group) != tx);
    }

    /** Makes a call through the fleet; a failure to send it fails the stage. */
    static <T> CompletionStage<T> attempt(Op<CompletionStage<T>> call) {
        try {
            return call.run();
        } catch (Exception e) {
            return failed(e);
        }
    }

    static <T> CompletionStage<T> run(Op<T> op) {
        try {
            return CompletableFuture.completedFuture(op.run());
        } catch (Checksums.Damaged e) {
            return failed(new FileSystemException(null, null, "the file system is damaged: " + e.getMessage() + "; run fs:fsck"));
        } catch (Exception e) {
            return failed(e);
        }
    }

    /** Pins a group for a cross-group operation: its other calls wait until {@link #unpin}. */
    void pin(int group, long tx) {
        pins.put(group, tx);
    }

    /** Unpins a group pinned by an operation and runs what may run now. */
    void unpin(int group, long tx) {
        if (pins.get(group) != null && pins.get(group) == tx) {
            pins.remove(group);
        }
        release();
    }

    void freeze(boolean now) {
        frozen = now;
        if (!now) {
            release();
        }
    }

    /** Runs the kept calls that may run now, in order. */
    @SuppressWarnings("unchecked")
    private void release() {
        List<Held> all = new ArrayList<>(held);
        held.clear();
        for (Held h : all) {
            if (held(h.group(), h.tx())) {
                held.add(h);
                continue;
            }
            run((Op<Object>) h.op()).whenComplete((v, e) -> {
                if (e != null) {
                    h.future().completeExceptionally(e);
                } else {
                    h.future().complete(v);
                }
            });
        }
    }

    /**
     * Answers every kept call with {@link TryAgainException} and refuses the calls to come: this version is replaced.
     *
     * @return how many kept calls were answered
     */
    int retire() {
        retired = true;
        TryAgainException again = retiredError();
        int answered = held.size();
        held.forEach(h -> h.future().completeExceptionally(again));
        held.clear();
        return answered;
    }
}
