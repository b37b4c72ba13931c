package org.fos.benchmarks;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.embed.EmbeddedKernel;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;

/** The ping-pongs the round-trip benchmark compares, by the name its {@code path} parameter uses. */
final class PingPongs {

    /** Capacity of every queue and mailbox of a ping-pong: one token is in flight at a time. */
    private static final int CAPACITY = 1024;
    /** How long a receiver waits before it looks at the stop flag again. */
    private static final long POLL_MILLIS = 100;
    /**
     * A raw spinning echo looks at the clock (for its stop) once in so many turns, as a spinning fos
     * receiver does: reading the clock costs more than a look at the queue.
     */
    private static final int CLOCK_TURNS = 16;

    private PingPongs() {
    }

    /**
     * Creates a ping-pong and starts its echo thread.
     *
     * @param path {@code fosSpinning}, {@code fosParked}, {@code jctoolsSpsc}, {@code jctoolsMpsc} or
     *        {@code arrayBlockingQueue}
     * @return the running ping-pong
     */
    static PingPong create(String path) {
        return switch (path) {
            case "fosSpinning" -> new Fos(Long.MAX_VALUE);
            case "fosParked" -> new Fos(0);
            case "jctoolsSpsc" -> new Spinning(new SpscArrayQueue<>(CAPACITY), new SpscArrayQueue<>(CAPACITY));
            case "jctoolsMpsc" -> new Spinning(new MpscArrayQueue<>(CAPACITY), new MpscArrayQueue<>(CAPACITY));
            case "arrayBlockingQueue" -> new Blocking();
            default -> throw new IllegalArgumentException("no ping-pong named '" + path + "'");
        };
    }

    /**
     * Two fos mailboxes on one real kernel: the caller sends the same immutable request message each
     * time and waits on its own mailbox; the echo thread waits on the server mailbox and sends the
     * same immutable reply. Receivers wait by the kernel's idle strategy: spinning for
     * {@code spinNanos}, then parking.
     */
    private static final class Fos implements PingPong {
        private final EmbeddedKernel node;
        private final Kernel kernel;
        private final Mailbox client;
        private final Message ping;
        private final EchoThread echo;

        Fos(long spinNanos) {
            node = EmbeddedKernel.start("bench", false, spinNanos, spinNanos);
            kernel = node.kernel(1);
            client = kernel.createMailbox("ping-pong client", CAPACITY);
            Mailbox server = kernel.createMailbox("ping-pong server", CAPACITY);
            ping = new Message(client.address(), server.capability(), client.capability(), 1, "ping", "ping");
            Message pong = new Message(server.address(), client.capability(), null, 1, "pong", "pong");
            echo = new EchoThread("fos echo", () -> {
                if (server.receive(POLL_MILLIS, TimeUnit.MILLISECONDS) != null) {
                    kernel.send(pong);
                }
            });
        }

        @Override
        public Object roundTrip() {
            try {
                kernel.send(ping);
                return client.receive(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                throw PingPong.interrupted(e);
            }
        }

        @Override
        public void close() {
            echo.close();
            node.close();
        }
    }

    /**
     * Two raw JCTools queues, both sides busy-spinning on {@code relaxedPoll} (the slot alone, as a
     * spinning fos receiver looks): single-producer queues (the baseline of row 1), or the
     * multi-producer queues fos mailboxes are made of (a diagnostic that separates the cost of the
     * queue type from the cost of the kernel).
     */
    private static final class Spinning implements PingPong {
        private final MessagePassingQueue<Object> requests;
        private final MessagePassingQueue<Object> replies;
        private final Object token = "ping";
        private final EchoThread echo;

        Spinning(MessagePassingQueue<Object> requests, MessagePassingQueue<Object> replies) {
            this.requests = requests;
            this.replies = replies;
            echo = new EchoThread("spinning echo", () -> {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
                Object o;
                int turn = 0;
                while ((o = requests.relaxedPoll()) == null) {
                    if ((++turn & CLOCK_TURNS - 1) == 0 && System.nanoTime() > deadline) {
                        return;
                    }
                    Thread.onSpinWait();
                }
                replies.offer(o);
            });
        }

        @Override
        public Object roundTrip() {
            requests.offer(token);
            Object o;
            while ((o = replies.relaxedPoll()) == null) {
                Thread.onSpinWait();
            }
            return o;
        }

        @Override
        public void close() {
            echo.close();
        }
    }

    /** Two {@link ArrayBlockingQueue}s: both sides block (park) in {@code take}/{@code poll}. */
    private static final class Blocking implements PingPong {
        private final BlockingQueue<Object> requests = new ArrayBlockingQueue<>(CAPACITY);
        private final BlockingQueue<Object> replies = new ArrayBlockingQueue<>(CAPACITY);
        private final Object token = "ping";
        private final EchoThread echo;

        Blocking() {
            echo = new EchoThread("blocking echo", () -> {
                Object o = requests.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (o != null) {
                    replies.put(o);
                }
            });
        }

        @Override
        public Object roundTrip() {
            try {
                requests.put(token);
                return replies.take();
            } catch (InterruptedException e) {
                throw PingPong.interrupted(e);
            }
        }

        @Override
        public void close() {
            echo.close();
        }
    }
}
