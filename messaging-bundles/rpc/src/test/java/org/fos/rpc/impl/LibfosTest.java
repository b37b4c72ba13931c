package org.fos.rpc.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.impl.StandaloneKernel;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Key;
import org.fos.rpc.api.RemoteException;
import org.fos.rpc.api.WaitingCaller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class LibfosTest {

    /** A protocol for the tests. */
    public interface Calc {
        int add(int a, int b);

        Sum sum(List<Integer> values);

        CompletionStage<Integer> addLater(int a, int b);

        String whoAmI(@Key String key);

        void fail(String kind) throws CalcException;

        CompletionStage<Integer> viaOther(int value);

        CompletionStage<Integer> slow(int id);

        Mode mode(Mode m);

        byte[] echo(byte[] bytes, boolean reverse);
    }

    /** A record the protocol carries. */
    public record Sum(int total, int count) {
    }

    /** An enum the protocol carries. */
    public enum Mode { FAST, SAFE }

    /** A declared exception. */
    public static class CalcException extends Exception {
        private static final long serialVersionUID = 1L;

        public CalcException(String message) {
            super(message);
        }
    }

    /** A custom exception nobody declares. */
    public static class Oops extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Oops(String message) {
            super(message);
        }
    }

    private final StandaloneKernel node = StandaloneKernel.start("n-rpc", false);
    private final Kernel kernel = node.kernel(1);
    private final LibfosCore core = new LibfosCore();
    private final LibfosImpl client = new LibfosImpl(core, node.kernel(2), 2, "client");
    private final LibfosImpl server = new LibfosImpl(core, node.kernel(3), 3, "server");
    private final List<Thread> loops = new ArrayList<>();
    private final List<CompletableFuture<Integer>> parked = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        loops.forEach(Thread::interrupt);
        for (Thread t : loops) {
            t.join();
        }
        client.deactivate();
        server.deactivate();
        core.deactivate();
        node.shutdown();
    }

    /** Starts a member of /test/calc: a mailbox and a loop that dispatches what arrives. */
    private Mailbox serve(String name, Object impl) {
        Mailbox box = kernel.createMailbox(name, 1024);
        kernel.names().register(name, box.capability(), Map.of());
        Dispatcher d = server.dispatcher(Calc.class, (Calc) impl);
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    box.drain(d::dispatch, 16, 50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "member " + name);
        t.start();
        loops.add(t);
        return box;
    }

    private class CalcImpl implements Calc {
        final String id;

        CalcImpl(String id) {
            this.id = id;
        }

        @Override
        public int add(int a, int b) {
            return a + b;
        }

        @Override
        public Sum sum(List<Integer> values) {
            return new Sum(values.stream().mapToInt(Integer::intValue).sum(), values.size());
        }

        @Override
        public CompletionStage<Integer> addLater(int a, int b) {
            return CompletableFuture.supplyAsync(() -> a + b);
        }

        @Override
        public String whoAmI(String key) {
            return id;
        }

        @Override
        public void fail(String kind) throws CalcException {
            switch (kind) {
                case "declared" -> throw new CalcException("declared failure");
                case "argument" -> throw new IllegalArgumentException("bad argument");
                default -> throw new Oops("custom failure");
            }
        }

        @Override
        public CompletionStage<Integer> viaOther(int value) {
            // a nested call to another fleet; the member goes on serving while it is pending
            return client.proxy(Calc.class, "/test/other").addLater(value, 1);
        }

        @Override
        public CompletionStage<Integer> slow(int id) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            synchronized (parked) {
                parked.add(f);
            }
            return f;
        }

        @Override
        public Mode mode(Mode m) {
            return m == Mode.FAST ? Mode.SAFE : Mode.FAST;
        }

        @Override
        public byte[] echo(byte[] bytes, boolean reverse) {
            byte[] out = bytes.clone();
            if (reverse) {
                for (int i = 0; i < out.length / 2; i++) {
                    byte b = out[i];
                    out[i] = out[out.length - 1 - i];
                    out[out.length - 1 - i] = b;
                }
            }
            return out;
        }
    }

    @Test
    void shouldCallSynchronouslyAndAsynchronously() throws Exception {
        serve("/test/calc", new CalcImpl("a"));
        Calc calc = client.proxy(Calc.class, "/test/calc");
        assertThat(calc.add(2, 3)).isEqualTo(5);
        assertThat(calc.sum(List.of(1, 2, 3))).isEqualTo(new Sum(6, 3));
        assertThat(calc.addLater(4, 5).toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(9);
        assertThat(calc.mode(Mode.FAST)).isEqualTo(Mode.SAFE);
        assertThat(calc.echo(new byte[] {1, 2, 3}, true)).containsExactly(3, 2, 1);
        assertThat(calc.toString()).contains("Calc").contains("/test/calc");
    }

    /** One call an observer was told of. */
    private record Observed(String fleet, String method, long nanos, Throwable failure) {
    }

    @Test
    void shouldTellCallObserversHowEveryCallEndedWhenOneIsRegistered() throws Exception {
        serve("/test/calc", new CalcImpl("a"));
        List<Observed> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        org.fos.rpc.api.CallObserver observer = (fleet, method, nanos, failure) -> seen.add(new Observed(fleet, method, nanos, failure));
        Calc calc = client.proxy(Calc.class, "/test/calc");
        calc.add(1, 1);
        assertThat(seen).as("no observer, nothing told").isEmpty();

        core.addObserver(observer);
        core.addObserver((fleet, method, nanos, failure) -> {
            throw new IllegalStateException("a broken observer changes no call's outcome");
        });
        assertThat(calc.add(2, 3)).isEqualTo(5);
        assertThatThrownBy(() -> calc.fail("argument")).isInstanceOf(IllegalArgumentException.class);
        assertThat(calc.addLater(4, 5).toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(9);
        assertThat(client.call(Calc.class, "/test/calc", "add", List.of("7", "8"), CallOptions.DEFAULT)).isEqualTo(15);
        assertThatThrownBy(() -> client.proxy(Calc.class, "/test/none").add(1, 2)).isInstanceOf(FleetException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 5);
        assertThat(seen).extracting(Observed::method).containsExactlyInAnyOrder("add", "fail", "addLater", "add", "add");
        assertThat(seen).allSatisfy(o -> assertThat(o.nanos()).isPositive());
        assertThat(seen.get(0)).satisfies(o -> {
            assertThat(o.fleet()).isEqualTo("/test/calc");
            assertThat(o.failure()).isNull();
        });
        assertThat(seen.get(1).failure()).isInstanceOf(IllegalArgumentException.class);
        Observed none = seen.stream().filter(o -> "/test/none".equals(o.fleet())).findFirst().orElseThrow();
        assertThat(((FleetException) none.failure()).status()).isEqualTo(Status.NO_SUCH_NAME);
        assertThat(core.observerFailures.sum()).isEqualTo(5);

        core.removeObserver(observer);
        assertThat(core.observed()).isTrue();
    }

    @Test
    void shouldTakeAnAsynchronousCallsReplyOnTheWaitingThreadInsideWaitingCaller() throws Exception {
        serve("/test/calc", new CalcImpl("a"));
        Calc calc = client.proxy(Calc.class, "/test/calc");
        CompletionStage<Integer> stage = WaitingCaller.call(() -> calc.addLater(4, 5));
        assertThat(stage.toCompletableFuture()).as("complete when the method returns").isCompletedWithValue(9);
        assertThat(WaitingCaller.isWaiting()).isFalse();

        Mailbox silent = kernel.createMailbox("silent", 16);
        kernel.names().register("/test/silent", silent.capability(), Map.of());
        Calc slow = client.proxy(Calc.class, "/test/silent", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(50)));
        CompletionStage<Integer> late = WaitingCaller.call(() -> slow.addLater(1, 2));
        assertThat(late.toCompletableFuture()).as("a failure, as the stage would have failed").isCompletedExceptionally();
        assertThatThrownBy(() -> late.toCompletableFuture().join()).hasCauseInstanceOf(FleetException.class)
                .hasMessageContaining("within 50 ms");
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("no reply went through the client's reply thread: it never started").doesNotContain("fos-libfos-replies-client");

        CompletionStage<Integer> outside = calc.addLater(1, 1);
        assertThat(outside.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("outside WaitingCaller the reply thread completes stages").contains("fos-libfos-replies-client");
    }

    @Test
    void shouldCompleteADirectReplyCallsStageOnTheThreadThatDeliversTheReply() throws Exception {
        serve("/test/calc", new CalcImpl("a"));
        Calc direct = client.proxy(Calc.class, "/test/calc", CallOptions.DEFAULT.withDirectReplies(true));
        Calc queued = client.proxy(Calc.class, "/test/calc");
        // the member holds both calls' futures until the test completes them on a thread of its own, which then
        // sends the replies: a direct reply completes its stage there, the other on the client's reply thread
        CompletableFuture<String> directThread = direct.slow(1).thenApply(v -> v + " on " + Thread.currentThread().getName())
                .toCompletableFuture();
        CompletableFuture<String> queuedThread = queued.slow(2).thenApply(v -> v + " on " + Thread.currentThread().getName())
                .toCompletableFuture();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (parked) {
                return parked.size() == 2;
            }
        });
        Thread completer = new Thread(() -> {
            synchronized (parked) {
                parked.forEach(f -> f.complete(7));
            }
        }, "test completer");
        completer.start();
        completer.join();
        assertThat(directThread.get(5, TimeUnit.SECONDS)).isEqualTo("7 on test completer");
        assertThat(queuedThread.get(5, TimeUnit.SECONDS)).isEqualTo("7 on fos-libfos-replies-client");

        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(direct.addLater(i, 1).toCompletableFuture());
        }
        for (int i = 0; i < 200; i++) {
            assertThat(calls.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i + 1);
        }
        Mailbox silent = kernel.createMailbox("silent", 16);
        kernel.names().register("/test/silent", silent.capability(), Map.of());
        Calc unanswered = client.proxy(Calc.class, "/test/silent",
                CallOptions.DEFAULT.withTimeout(Duration.ofMillis(50)).withDirectReplies(true));
        assertThatThrownBy(() -> unanswered.addLater(1, 2).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(FleetException.class).hasMessageContaining("within 50 ms");
    }

    /**
     * A member of /test/calc whose node refuses every request as if its mailbox were gone: it answers each with
     * the kernel's notice that the request was not delivered, as a node that restarted does.
     */
    private Mailbox refusing() {
        Mailbox box = kernel.createMailbox("refusing", 1024);
        kernel.names().register("/test/calc", box.capability(), Map.of());
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    box.drain(m -> kernel.send(new Message(null, m.replyTo(), null, m.correlationId(), Message.UNDELIVERED,
                            "CLOSED " + box.address() + " its mailbox is closed")), 16, 50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "refusing member");
        t.start();
        loops.add(t);
        return box;
    }

    @Test
    void shouldSendACallRefusedUndeliveredToAnotherMemberAndFailAtOnceWhereThereIsNone() throws Exception {
        Mailbox refusing = refusing();
        Calc calc = client.proxy(Calc.class, "/test/calc");
        assertThatThrownBy(() -> calc.add(1, 2)).as("the only member refuses: no other to send it to")
                .isInstanceOf(FleetException.class).hasMessageContaining("was not delivered (CLOSED): its mailbox is closed")
                .hasMessageEndingWith("the call did not run")
                .satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.CLOSED));

        serve("/test/calc", new CalcImpl("a"));
        for (int i = 0; i < 20; i++) {
            assertThat(calc.add(i, 1)).as("round robin sends every other call to the refusing member first").isEqualTo(i + 1);
            assertThat(calc.addLater(i, 2).toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(i + 2);
        }
        Calc bound = client.proxy(Calc.class, refusing.capability(), CallOptions.DEFAULT);
        assertThatThrownBy(() -> bound.add(1, 2)).as("a proxy bound to one member does not go elsewhere")
                .isInstanceOf(FleetException.class).hasMessageContaining("was not delivered");
        assertThatThrownBy(() -> bound.addLater(1, 2).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(FleetException.class).hasMessageContaining("was not delivered");
    }

    @Test
    void shouldSurfaceRemoteExceptionsAsTypedExceptions() {
        serve("/test/calc", new CalcImpl("a"));
        Calc calc = client.proxy(Calc.class, "/test/calc");
        assertThatThrownBy(() -> calc.fail("declared")).isInstanceOf(CalcException.class).hasMessage("declared failure");
        assertThatThrownBy(() -> calc.fail("argument")).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("bad argument");
        assertThatThrownBy(() -> calc.fail("custom")).isInstanceOf(RemoteException.class)
                .hasMessageContaining("custom failure")
                .satisfies(e -> assertThat(((RemoteException) e).remoteType()).isEqualTo(Oops.class.getName()));
        assertThat(calc.add(1, 1)).isEqualTo(2);
    }

    @Test
    void shouldFailClearlyForAnUnknownNameAndTimeOut() {
        Calc nobody = client.proxy(Calc.class, "/test/nobody");
        assertThatThrownBy(() -> nobody.add(1, 2)).isInstanceOf(FleetException.class)
                .hasMessageContaining("NO_SUCH_NAME").satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.NO_SUCH_NAME));
        Mailbox silent = kernel.createMailbox("silent", 16);
        kernel.names().register("/test/silent", silent.capability(), Map.of());
        Calc calc = client.proxy(Calc.class, "/test/silent", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(50)));
        assertThatThrownBy(() -> calc.add(1, 2)).isInstanceOf(FleetException.class).hasMessageContaining("within 50 ms")
                .satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.TIMEOUT));
        assertThatThrownBy(() -> calc.addLater(1, 2).toCompletableFuture().join()).hasCauseInstanceOf(FleetException.class)
                .hasMessageContaining("within 50 ms");
    }

    @Test
    void shouldRouteByKeyToTheSameMember() {
        serve("/test/calc", new CalcImpl("a"));
        serve("/test/calc", new CalcImpl("b"));
        serve("/test/calc", new CalcImpl("c"));
        Calc calc = client.proxy(Calc.class, "/test/calc");
        for (int k = 0; k < 50; k++) {
            String first = calc.whoAmI("key-" + k);
            for (int i = 0; i < 3; i++) {
                assertThat(calc.whoAmI("key-" + k)).isEqualTo(first);
            }
        }
        assertThat(client.members(Calc.class, "/test/calc", CallOptions.DEFAULT)).extracting(p -> p.whoAmI("x"))
                .containsExactly("a", "b", "c");
    }

    @Test
    void shouldKeepServingWhileANestedCallIsPending() throws Exception {
        // one member; its handler for viaOther waits on /test/other, whose only member is parked on slow()
        serve("/test/calc", new CalcImpl("a"));
        serve("/test/other", new CalcImpl("other"));
        Calc calc = client.proxy(Calc.class, "/test/calc");
        Calc other = client.proxy(Calc.class, "/test/other");
        CompletionStage<Integer> parkedCall = other.slow(1);
        CompletionStage<Integer> nested = calc.viaOther(41);
        // the /test/calc member is not blocked by the pending nested call: it answers others at once
        assertThat(calc.add(20, 22)).isEqualTo(42);
        assertThat(nested.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(42);
        synchronized (parked) {
            parked.forEach(f -> f.complete(7));
        }
        assertThat(parkedCall.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(7);
    }

    @Test
    void shouldCountTheRepliesThatAreStillToCome() throws Exception {
        Mailbox box = kernel.createMailbox("/test/counted", 1024);
        kernel.names().register("/test/counted", box.capability(), Map.of());
        Dispatcher d = server.dispatcher(Calc.class, new CalcImpl("counted"));
        Calc calc = client.proxy(Calc.class, "/test/counted");
        CompletionStage<Integer> first = calc.slow(1);
        CompletionStage<Integer> second = calc.slow(2);
        CompletionStage<Integer> quick = calc.addLater(1, 2);
        for (int taken = 0; taken < 3;) {
            Message m = box.receive(5, TimeUnit.SECONDS);
            assertThat(m).as("request " + (taken + 1)).isNotNull();
            d.dispatch(m);
            taken++;
        }
        assertThat(quick.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.outstanding() == 2);
        synchronized (parked) {
            parked.forEach(f -> f.complete(7));
        }
        assertThat(first.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(second.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(d.outstanding()).isZero();
    }

    /** A named mailbox whose requests the test dispatches itself, and how often {@code add} ran. */
    private record Counted(Mailbox box, Dispatcher dispatcher, java.util.concurrent.atomic.AtomicInteger ran) {
    }

    private Counted counted(String name) {
        Mailbox box = kernel.createMailbox(name, 1024);
        kernel.names().register(name, box.capability(), Map.of());
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        Dispatcher d = server.dispatcher(Calc.class, new CalcImpl(name) {
            @Override
            public int add(int a, int b) {
                ran.incrementAndGet();
                return a + b;
            }
        });
        return new Counted(box, d, ran);
    }

    @Test
    void shouldDropARequestWhoseDeadlinePassedWhileItWaitedAndNeverRunIt() throws Exception {
        Counted member = counted("/test/late");
        Mailbox box = member.box();
        Dispatcher d = member.dispatcher();
        java.util.concurrent.atomic.AtomicInteger ran = member.ran();
        Calc hasty = client.proxy(Calc.class, "/test/late", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(100)));
        assertThatThrownBy(() -> hasty.add(1, 2)).isInstanceOf(FleetException.class)
                .satisfies(e -> assertThat(((FleetException) e).status()).isEqualTo(Status.TIMEOUT));
        // the member takes it only now, after the caller gave up: it is answered, not run
        Message late = box.receive(5, TimeUnit.SECONDS);
        assertThat(late).isNotNull();
        assertThat(d.dispatch(late)).isTrue();
        assertThat(ran).hasValue(0);
        assertThat(d.expired()).isEqualTo(1);

        // the same for a call that does not block its caller
        CompletionStage<Integer> given = hasty.addLater(1, 2);
        assertThatThrownBy(() -> given.toCompletableFuture().get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(FleetException.class)
                .satisfies(e -> assertThat(((FleetException) e.getCause()).status()).isEqualTo(Status.TIMEOUT));
        assertThat(d.dispatch(box.receive(5, TimeUnit.SECONDS))).isTrue();
        assertThat(d.expired()).isEqualTo(2);

        Calc patient = client.proxy(Calc.class, "/test/late", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)));
        CompletionStage<Integer> inTime = patient.addLater(2, 3);
        d.dispatch(box.receive(5, TimeUnit.SECONDS));
        assertThat(inTime.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(d.expired()).isEqualTo(2);
    }

    @Test
    void shouldTimeOutAsynchronousCallsAgainAfterTheSweepOfDeadlinesStoppedForWantOfCalls() throws Exception {
        serve("/test/silent", new CalcImpl("s"));
        Calc hasty = client.proxy(Calc.class, "/test/silent", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(50)));
        Calc patient = client.proxy(Calc.class, "/test/silent", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)));
        for (int round = 0; round < 2; round++) {
            // the member never answers slow(): the timeout fails it, and a call answered meanwhile is not disturbed
            CompletableFuture<Integer> unanswered = hasty.slow(round).toCompletableFuture();
            assertThat(patient.addLater(round, 1).toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(round + 1);
            assertThatThrownBy(() -> unanswered.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(FleetException.class)
                    .satisfies(e -> assertThat(((FleetException) e.getCause()).status()).isEqualTo(Status.TIMEOUT))
                    .hasMessageContaining("within 50 ms");
            // with no call waiting the sweep stops; the next round's call must start it again
            AsyncReplies r = client.asyncReplies();
            await().atMost(10, TimeUnit.SECONDS).until(() -> !r.sweeping());
        }
        synchronized (parked) {
            assertThat(parked).hasSize(2);
        }
    }

    @RepeatedTest(20)
    void shouldNeverRunACallWhoseCallerHasGivenUp() throws Exception {
        // the wall-clock deadline a member reads is never later than the moment its caller gives up,
        // even when the member takes the request within the same millisecond
        Counted edge = counted("/test/edge");
        Mailbox box = edge.box();
        Dispatcher d = edge.dispatcher();
        java.util.concurrent.atomic.AtomicInteger ran = edge.ran();
        Calc hasty = client.proxy(Calc.class, "/test/edge", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(3)));
        assertThatThrownBy(() -> hasty.add(1, 2)).isInstanceOf(FleetException.class);
        d.dispatch(box.receive(5, TimeUnit.SECONDS));
        assertThat(ran).hasValue(0);
    }

    @Test
    void shouldAnswerBadRequestsWithErrorsAndKeepServing() {
        serve("/test/calc", new CalcImpl("a"));
        assertThatThrownBy(() -> client.call(Calc.class, "/test/calc", "nope", List.of(), CallOptions.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no method 'nope'")
                .hasMessageContaining("add");
        assertThatThrownBy(() -> client.call(Calc.class, "/test/calc", "add", List.of("1"), CallOptions.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add takes 2 arguments (int a, int b), got 1");
        assertThatThrownBy(() -> client.call(Calc.class, "/test/calc", "add", List.of("1", "two"), CallOptions.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argument 2 of add ('two') is not a int");
        assertThatThrownBy(() -> client.call(Calc.class, "/test/calc", "sum", List.of("1,2"), CallOptions.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be typed in the shell");
        assertThat(client.call(Calc.class, "/test/calc", "add", List.of("40", "2"), CallOptions.DEFAULT)).isEqualTo(42);
        assertThat(client.call(Calc.class, "/test/calc", "addLater", List.of("40", "2"), CallOptions.DEFAULT)).isEqualTo(42);
        assertThat(client.call(Calc.class, "/test/calc", "mode", List.of("safe"), CallOptions.DEFAULT)).isEqualTo(Mode.FAST);
    }

    /** Not a valid protocol: a method takes a type that cannot cross the wire. */
    public interface Bad {
        void take(Thread t);
    }

    /** Not a valid protocol: overloaded names. */
    public interface Overloaded {
        int f(int a);

        int f(String a);
    }

    @Test
    void shouldRejectInvalidProtocolsWithThePlaceAtFault() {
        assertThatThrownBy(() -> client.proxy(Bad.class, "/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad.take parameter 1 has type java.lang.Thread");
        assertThatThrownBy(() -> client.proxy(Overloaded.class, "/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two methods named 'f'");
        assertThatThrownBy(() -> client.proxy(Calc.class, "no-slash")).isInstanceOf(IllegalArgumentException.class);
    }
}
