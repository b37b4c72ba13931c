package org.fos.rpc.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Status;
import org.fos.kernel.impl.StandaloneKernel;
import org.fos.rpc.api.CallContext;
import org.fos.rpc.api.Deduplicated;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Key;
import org.fos.rpc.api.RequestId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A member that goes away with a call in flight, and a synchronous method served by its asynchronous twin. */
class FailoverTest {

    /** A protocol for the tests. */
    public interface Store {
        @Idempotent
        String read(@Key String key);

        @Idempotent
        CompletionStage<String> readAsync(@Key String key);

        String write(@Key String key);

        CompletionStage<String> writeAsync(@Key String key);
    }

    /** A protocol whose fleet applies each request once per request id. */
    @Deduplicated
    public interface Ledger {
        String add(@Key String key);

        CompletionStage<String> addAsync(@Key String key);
    }

    /** Serves a ledger: answers with the request id it saw, and counts the applications of each id. */
    private static final class CountingLedger implements Ledger {
        final Map<RequestId, Integer> applied = new ConcurrentHashMap<>();

        @Override
        public String add(String key) {
            RequestId id = CallContext.requestId();
            applied.merge(id, 1, Integer::sum);
            return key + " " + id;
        }

        @Override
        public CompletionStage<String> addAsync(String key) {
            return CompletableFuture.completedFuture(add(key));
        }
    }

    private final StandaloneKernel node = StandaloneKernel.start("n-f", false);
    private final Kernel kernel = node.kernel(1);
    private final LibfosCore core = new LibfosCore();
    private final LibfosImpl client = new LibfosImpl(core, node.kernel(2), 2, "client");
    private final LibfosImpl server = new LibfosImpl(core, node.kernel(3), 3, "server");
    private Thread loop;

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.interrupt();
            loop.join();
        }
        client.deactivate();
        server.deactivate();
        core.deactivate();
        node.shutdown();
    }

    /** A real member: its synchronous methods answer through their asynchronous twins only. */
    private final class Twins implements Store {
        @Override
        public String read(String key) {
            throw new IllegalStateException("the synchronous read must be served by readAsync");
        }

        @Override
        public CompletionStage<String> readAsync(String key) {
            return CompletableFuture.supplyAsync(() -> "read " + key);
        }

        @Override
        public String write(String key) {
            throw new IllegalStateException("the synchronous write must be served by writeAsync");
        }

        @Override
        public CompletionStage<String> writeAsync(String key) {
            return CompletableFuture.completedFuture("wrote " + key);
        }
    }

    private void serveReal() {
        Mailbox box = kernel.createMailbox("real", 64);
        kernel.names().register("/test/store", box.capability(), Map.of());
        Dispatcher d = server.dispatcher(Store.class, new Twins());
        loop = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    box.drain(d::dispatch, 16, 50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        loop.start();
    }

    private void serve(String name, Class<?> protocol, Object implementation) {
        Mailbox box = kernel.createMailbox("real", 64);
        kernel.names().register(name, box.capability(), Map.of());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Dispatcher d = server.dispatcher((Class) protocol, implementation);
        loop = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    box.drain(d::dispatch, 16, 50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        loop.start();
    }

    /** A member that takes requests and never answers, until it is closed. */
    private Mailbox silent() {
        Mailbox box = kernel.createMailbox("silent", 64);
        kernel.names().register("/test/store", box.capability(), Map.of());
        return box;
    }

    @Test
    void shouldServeASynchronousMethodWithItsAsynchronousTwin() {
        serveReal();
        Store store = client.proxy(Store.class, "/test/store");
        assertThat(store.read("a")).isEqualTo("read a");
        assertThat(store.write("b")).isEqualTo("wrote b");
    }

    @Test
    void shouldSendAnIdempotentCallAgainWhenItsMemberGoesAway() throws Exception {
        Mailbox silent = silent();
        Store store = client.proxy(Store.class, "/test/store");
        CompletableFuture<String> sync = CompletableFuture.supplyAsync(() -> store.read("k"));
        CompletableFuture<String> async = store.readAsync("k").toCompletableFuture();
        await().atMost(10, TimeUnit.SECONDS).until(() -> silent.depth() == 2);
        serveReal();
        silent.close(); // it leaves the name with two calls unanswered
        assertThat(sync.get(10, TimeUnit.SECONDS)).isEqualTo("read k");
        assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo("read k");
    }

    @Test
    void shouldSendADeduplicatedCallAgainWithTheSameRequestIdWhenItsMemberGoesAway() throws Exception {
        Mailbox box = kernel.createMailbox("silent ledger", 64);
        kernel.names().register("/test/ledger", box.capability(), Map.of());
        Ledger ledger = client.proxy(Ledger.class, "/test/ledger");
        CompletableFuture<String> sync = CompletableFuture.supplyAsync(() -> ledger.add("k"));
        CompletableFuture<String> async = ledger.addAsync("j").toCompletableFuture();
        await().atMost(10, TimeUnit.SECONDS).until(() -> box.depth() == 2);
        java.util.List<RequestId> first = new java.util.ArrayList<>();
        box.drain(m -> first.add(((Wire.Invocation) m.payload()).requestId()), 2);
        CountingLedger real = new CountingLedger();
        serve("/test/ledger", Ledger.class, real);
        box.close();
        assertThat(sync.get(10, TimeUnit.SECONDS)).startsWith("k ");
        assertThat(async.get(10, TimeUnit.SECONDS)).startsWith("j ");
        assertThat(first).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(real.applied).containsOnlyKeys(first).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(ledger.add("next")).doesNotContain(first.get(0).toString()).doesNotContain(first.get(1).toString());
    }

    @Test
    void shouldCarryTheStatusOfAFleetExceptionThrownOnTheMember() {
        serve("/test/ledger", Ledger.class, new Ledger() {
            @Override
            public String add(String key) {
                throw new IllegalStateException("served by addAsync");
            }

            @Override
            public CompletionStage<String> addAsync(String key) {
                return CompletableFuture.failedFuture(new FleetException(Status.NO_QUORUM, "group 3 has no leader", null));
            }
        });
        Ledger ledger = client.proxy(Ledger.class, "/test/ledger");
        assertThatThrownBy(() -> ledger.add("k")).isInstanceOf(FleetException.class).hasMessageContaining("group 3 has no leader")
                .satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.NO_QUORUM));
    }

    @Test
    void shouldReportAMethodThatThrewAsFailedNeverOk() {
        serve("/test/ledger", Ledger.class, new Ledger() {
            @Override
            public String add(String key) {
                throw new IllegalStateException("served by addAsync");
            }

            @Override
            public CompletionStage<String> addAsync(String key) {
                throw new java.io.UncheckedIOException(new java.io.IOException("disk gone"));
            }
        });
        Ledger ledger = client.proxy(Ledger.class, "/test/ledger");
        assertThatThrownBy(() -> ledger.add("k")).isInstanceOf(FleetException.class).hasMessageContaining("disk gone")
                .satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.FAILED));
        assertThatThrownBy(() -> new FleetException(Status.OK, "x", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFailANonIdempotentCallClearlyWhenItsMemberGoesAway() throws Exception {
        Mailbox silent = silent();
        Store store = client.proxy(Store.class, "/test/store");
        CompletableFuture<String> sync = CompletableFuture.supplyAsync(() -> store.write("k"));
        CompletableFuture<String> async = store.writeAsync("k").toCompletableFuture();
        await().atMost(10, TimeUnit.SECONDS).until(() -> silent.depth() == 2);
        serveReal();
        silent.close();
        assertThatThrownBy(() -> sync.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(FleetException.class)
                .hasMessageContaining("went away before it answered").hasMessageContaining("is neither @Idempotent nor @Deduplicated");
        assertThatThrownBy(() -> async.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(FleetException.class)
                .satisfies(e -> assertThat(((FleetException) e.getCause()).status()).isEqualTo(Status.CLOSED));
        assertThat(store.write("again")).isEqualTo("wrote again");
    }
}
