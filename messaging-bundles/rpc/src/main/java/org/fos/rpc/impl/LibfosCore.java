package org.fos.rpc.impl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.fos.kernel.spi.PayloadCodec;
import org.fos.rpc.api.CallObserver;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What all bundles' libfos share: the timer for call timeouts, the counters, and the allow-list
 * entries of the types that protocols carry. A type stays on the codec's allow-list while some
 * bundle uses a protocol that carries it; a new codec gets every type in use.
 */
@Component(service = LibfosCore.class, immediate = true)
public final class LibfosCore {
    private static final Logger LOG = LoggerFactory.getLogger(LibfosCore.class);
    private static final List<Class<?>> WIRE = List.of(Wire.Invocation.class, Wire.Outcome.class, Wire.Failure.class);

    private final ScheduledThreadPoolExecutor timer;
    final LongAdder staleReplies = new LongAdder();
    final LongAdder lostReplies = new LongAdder();
    private final Map<Class<?>, Integer> uses = new HashMap<>();
    private final Map<Class<?>, AutoCloseable> allowed = new HashMap<>();
    private PayloadCodec codec;
    /** The registered call observers; replaced, never changed, so that a call reads it without a lock. */
    private volatile CallObserver[] observers = new CallObserver[0];
    final LongAdder observerFailures = new LongAdder();

    /** Starts the shared part of libfos. */
    @Activate
    public LibfosCore() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fos-libfos-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        synchronized (this) {
            for (Class<?> w : WIRE) {
                uses.put(w, 1);
            }
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        setCodec(null);
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void setCodec(PayloadCodec newCodec) {
        for (AutoCloseable a : allowed.values()) {
            closeQuietly(a);
        }
        allowed.clear();
        codec = newCodec;
        if (codec != null) {
            for (Class<?> type : uses.keySet()) {
                allow(type);
            }
        }
    }

    synchronized void unsetCodec(PayloadCodec old) {
        if (codec == old) {
            setCodec(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addObserver(CallObserver observer) {
        CallObserver[] next = java.util.Arrays.copyOf(observers, observers.length + 1);
        next[next.length - 1] = observer;
        observers = next;
    }

    synchronized void removeObserver(CallObserver observer) {
        observers = java.util.Arrays.stream(observers).filter(o -> o != observer).toArray(CallObserver[]::new);
    }

    /** Whether any call observer is registered. */
    boolean observed() {
        return observers.length > 0;
    }

    /** Tells the observers that a call ended; an observer that throws is counted and skipped. */
    void called(String fleet, String method, long startNanos, Throwable failure) {
        long nanos = System.nanoTime() - startNanos;
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        for (CallObserver o : observers) {
            try {
                o.called(fleet, method, nanos, cause);
            } catch (RuntimeException e) {
                observerFailures.increment();
            }
        }
    }

    /** A bundle starts using a protocol. */
    synchronized void acquire(ProtocolModel protocol) {
        for (Class<?> type : protocol.carried) {
            if (uses.merge(type, 1, Integer::sum) == 1 && codec != null) {
                allow(type);
            }
        }
    }

    /** A bundle stops using a protocol. */
    synchronized void release(ProtocolModel protocol) {
        for (Class<?> type : protocol.carried) {
            Integer n = uses.computeIfPresent(type, (k, v) -> v == 1 ? null : v - 1);
            if (n == null) {
                AutoCloseable a = allowed.remove(type);
                if (a != null) {
                    closeQuietly(a);
                }
            }
        }
    }

    private void allow(Class<?> type) {
        try {
            allowed.put(type, codec.allow(type));
        } catch (RuntimeException e) {
            LOG.warn("the codec refuses {}: calls carrying it cannot leave the node ({})", type.getName(), e.getMessage());
        }
    }

    private static void closeQuietly(AutoCloseable a) {
        try {
            a.close();
        } catch (Exception e) {
            LOG.debug("closing an allow-list entry failed", e);
        }
    }
}
