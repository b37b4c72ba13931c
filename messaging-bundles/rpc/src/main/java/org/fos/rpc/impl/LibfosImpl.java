package org.fos.rpc.impl;

import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Libfos;
import org.fos.rpc.api.WaitingCaller;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * libfos as one bundle sees it. Its reply mailboxes (one a calling thread for synchronous calls, one
 * for asynchronous calls) belong to the using bundle and go when it stops.
 */
@Component(service = Libfos.class, scope = ServiceScope.BUNDLE)
public final class LibfosImpl implements Libfos {
    /** Room for stray late replies besides the one a synchronous call waits for. */
    private static final int SYNC_CAPACITY = 64;
    private static final int ASYNC_CAPACITY = 1 << 16;
    /** How often a call re-resolves after finding its member gone before it gives up. */
    private static final int MAX_RESOLVES = 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LibfosCore core;
    private final Kernel kernel;
    private final long ownerBundleId;
    private final String owner;
    private final ThreadLocal<SyncChannel> channels = new ThreadLocal<>();
    private final Set<SyncChannel> allChannels = ConcurrentHashMap.newKeySet();
    private final Set<ProtocolModel> protocols = ConcurrentHashMap.newKeySet();
    private volatile AsyncReplies asyncReplies;
    /** This instance's half of every request id: random, so that ids of different callers never meet. */
    private final long clientId = newClientId();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean closed;

    /**
     * Creates libfos for the bundle that gets the service.
     *
     * @param context names the using bundle
     * @param core the shared part of libfos
     * @param kernel the kernel
     */
    @Activate
    public LibfosImpl(ComponentContext context, @Reference LibfosCore core, @Reference Kernel kernel) {
        this(core, kernel, context.getUsingBundle().getBundleId(), context.getUsingBundle().getSymbolicName());
    }

    LibfosImpl(LibfosCore core, Kernel kernel, long ownerBundleId, String owner) {
        this.core = core;
        this.kernel = kernel;
        this.ownerBundleId = ownerBundleId;
        this.owner = owner;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        closed = true;
        AsyncReplies a = asyncReplies;
        if (a != null) {
            a.close();
        }
        for (SyncChannel c : allChannels) {
            c.mailbox.close();
        }
        allChannels.clear();
        for (ProtocolModel p : protocols) {
            core.release(p);
        }
        protocols.clear();
    }

    private ProtocolModel use(Class<?> protocol) {
        Objects.requireNonNull(protocol, "protocol");
        ProtocolModel model = ProtocolModel.of(protocol);
        if (protocols.add(model)) {
            core.acquire(model);
        }
        return model;
    }

    @Override
    public <T> T proxy(Class<T> protocol, String name) {
        return proxy(protocol, name, CallOptions.DEFAULT);
    }

    @Override
    public <T> T proxy(Class<T> protocol, String name, CallOptions options) {
        Names.requireValidName(name);
        Objects.requireNonNull(options, "options");
        return newProxy(protocol, new ProxyHandler(this, use(protocol), name, null, options));
    }

    @Override
    public <T> T proxy(Class<T> protocol, Capability member, CallOptions options) {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(options, "options");
        return newProxy(protocol, new ProxyHandler(this, use(protocol), null, member, options));
    }

    @Override
    public <T> List<T> members(Class<T> protocol, String name, CallOptions options) {
        Names.requireValidName(name);
        ProtocolModel model = use(protocol);
        List<T> out = new ArrayList<>();
        for (NameEntry e : kernel.names().find(name)) {
            // the member capability where this node has it, so that member-to-member methods go through
            Capability member = e.member();
            out.add(newProxy(protocol, new ProxyHandler(this, model, name, member != null ? member : e.capability(), options)));
        }
        return out;
    }

    private static <T> T newProxy(Class<T> protocol, ProxyHandler handler) {
        return protocol.cast(Proxy.newProxyInstance(protocol.getClassLoader(), new Class<?>[] {protocol}, handler));
    }

    @Override
    public <T> Dispatcher dispatcher(Class<T> protocol, T implementation) {
        Objects.requireNonNull(implementation, "implementation");
        if (!protocol.isInstance(implementation)) {
            throw new IllegalArgumentException(implementation.getClass().getName() + " does not implement " + protocol.getName());
        }
        return new DispatcherImpl(use(protocol), implementation, kernel, core.lostReplies);
    }

    @Override
    public Object call(Class<?> protocol, String name, String method, List<String> arguments, CallOptions options) {
        Names.requireValidName(name);
        ProtocolModel model = use(protocol);
        MethodModel m = model.method(method);
        if (m == null) {
            throw new IllegalArgumentException("protocol " + protocol.getName() + " has no method '" + method + "'; it has "
                    + new java.util.TreeSet<>(model.methodNames()));
        }
        Object[] values = TextArguments.parse(m, arguments);
        ProxyHandler handler = new ProxyHandler(this, model, name, null, options);
        List<Object> list = java.util.Collections.unmodifiableList(java.util.Arrays.asList(values));
        try {
            if (!m.async) {
                return invoke(handler, m, list);
            }
            return ((CompletionStage<?>) invoke(handler, m, list)).toCompletableFuture()
                    .get(options.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException(Status.INTERRUPTED, "interrupted while calling " + m, e);
        } catch (TimeoutException e) {
            throw new FleetException(Status.TIMEOUT, "no reply from " + name + " to " + m, e);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new FleetException(Status.FAILED, t.toString(), t);
    }

    // ---------------------------------------------------------------- calls

    /** Makes a call and tells the call observers, if there are any, how it ended and how long it took. */
    Object invoke(ProxyHandler h, MethodModel m, List<Object> args) throws Throwable {
        if (!core.observed()) {
            return m.async ? callStage(h, m, args) : callSync(h, m, args);
        }
        long start = System.nanoTime();
        if (m.async) {
            CompletionStage<Object> stage = callStage(h, m, args);
            stage.whenComplete((value, error) -> core.called(h.name, m.name, start, error));
            return stage;
        }
        Object value;
        try {
            value = callSync(h, m, args);
        } catch (Throwable t) {
            core.called(h.name, m.name, start, t);
            throw t;
        }
        core.called(h.name, m.name, start, null);
        return value;
    }

    private Capability target(ProxyHandler h, MethodModel m, List<Object> args) {
        if (h.member != null) {
            return h.member;
        }
        Capability c;
        try {
            if (m.keyIndex >= 0) {
                Object key = args.get(m.keyIndex);
                if (key == null) {
                    throw new IllegalArgumentException("the @Key argument of " + m + " must not be null");
                }
                c = kernel.names().resolve(h.name, Selection.KEY_AFFINITY, key);
            } else {
                c = kernel.names().resolve(h.name, h.options.selection());
            }
        } catch (KernelException e) {
            throw new FleetException(e.status(), "cannot call " + m + " on " + h.name + ": " + e.getMessage(), e);
        }
        return m.needs.in(c.rights()) ? c : memberOf(h.name, c);
    }

    /**
     * The member capability of the entry a name resolved to, for a method that needs more than the
     * capability names hand out (PEER, ADMIN); the capability itself where this node has none (the
     * member then refuses the call with NO_RIGHT).
     */
    private Capability memberOf(String name, Capability resolved) {
        for (NameEntry e : kernel.names().cached(name)) {
            if (e.capability().equals(resolved)) {
                Capability member = e.member();
                return member != null ? member : resolved;
            }
        }
        return resolved;
    }

    /**
     * Sends a request, re-resolving when the member turns out to be gone (the request was not
     * delivered).
     *
     * @return the member it went to
     */
    Capability send(ProxyHandler h, MethodModel m, List<Object> args, Wire.Request b, long deadline) {
        Status s = Status.OK;
        for (int attempt = 0; attempt < MAX_RESOLVES; attempt++) {
            Capability to = target(h, m, args);
            Message request = b.to(to);
            s = kernel.send(request);
            if (s == Status.FULL) {
                long remaining = deadline - System.nanoTime();
                s = remaining > 0 ? kernel.send(request, remaining, TimeUnit.NANOSECONDS) : Status.TIMEOUT;
            }
            if (s == Status.OK) {
                return to;
            }
            boolean gone = s == Status.CLOSED || s == Status.REVOKED || s == Status.FORGED;
            if (!gone || h.member != null) {
                break;
            }
        }
        throw new FleetException(s, "call of " + m + " on " + h.target() + " refused: " + s, null);
    }

    Object callSync(ProxyHandler h, MethodModel m, List<Object> args) throws Throwable {
        if (closed) {
            throw new FleetException(Status.CLOSED, "libfos of bundle " + owner + " has stopped", null);
        }
        Wire.Invocation invocation = invocation(args, h.options); // before our own deadline: see invocation
        long deadline = System.nanoTime() + h.options.timeout().toNanos();
        SyncChannel ch = channel();
        long correlation = ch.nextCorrelation();
        Wire.Request request = new Wire.Request(ch.mailbox.address(), ch.replyTo, correlation, m.name, invocation);
        Capability to = send(h, m, args, request, deadline);
        boolean mayHaveRun = false; // an attempt went to a member that left: it may have run there
        for (int resends = 0;; resends++) {
            Capability target = to;
            Message reply;
            try {
                reply = ch.await(correlation, deadline, () -> gone(h, target));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FleetException(Status.INTERRUPTED, "interrupted while waiting for the reply to " + m, e);
            } catch (KernelException e) {
                throw new FleetException(e.status(), "libfos of bundle " + owner + " stopped while waiting for " + m, e);
            }
            if (reply == SyncChannel.GONE) {
                if (!m.retryable || resends >= MAX_RESOLVES) {
                    throw memberGone(h, m, target);
                }
                to = send(h, m, args, request, deadline); // same correlation: the first reply wins
                mayHaveRun = true;
                continue;
            }
            if (reply == null) {
                throw new FleetException(Status.TIMEOUT, "no reply from " + h.target() + " to " + m + " within "
                        + h.options.timeout().toMillis() + " ms" + Replies.MAY_HAVE_RUN, null);
            }
            if (Message.UNDELIVERED.equals(reply.type())) {
                FleetException notDelivered = Replies.undelivered(m, reply, target, mayHaveRun);
                if (notDelivered == null) {
                    resends--; // the notice of an earlier attempt: wait on for the reply to this one
                    continue;
                }
                Capability other = resendUndelivered(h, m, args, request, deadline, target, mayHaveRun, resends);
                if (other == null) {
                    throw notDelivered;
                }
                to = other;
                continue;
            }
            return Replies.valueOf(m, reply);
        }
    }

    /**
     * Sends a call again after the node of its latest attempt refused it undelivered, if that is safe
     * and may help: no attempt may have run (or the method may run more than once), the proxy is not
     * bound to that one member, and resolving the name again picks another member.
     *
     * @return where the call went now, or null if it was not sent again to another member
     */
    Capability resendUndelivered(ProxyHandler h, MethodModel m, List<Object> args, Wire.Request request, long deadline,
            Capability refused, boolean mayHaveRun, int resends) {
        if ((mayHaveRun && !m.retryable) || resends >= MAX_RESOLVES || h.member != null) {
            return null;
        }
        Capability again = send(h, m, args, request, deadline); // same correlation: the first reply wins
        return again.equals(refused) ? null : again;
    }

    /**
     * Whether the member a call went to is gone: it left its name (its node's session ended, or it was
     * closed), or no transport has reached its node for the kernel's unreachableAfterMillis.
     */
    boolean gone(ProxyHandler h, Capability target) {
        if (closed) {
            return false;
        }
        if (!kernel.reachable(target.address().node())) {
            return true;
        }
        if (h.member != null) {
            return false;
        }
        for (NameEntry e : kernel.names().cached(h.name)) {
            if (e.address().equals(target.address())) {
                return false;
            }
        }
        return true;
    }

    FleetException memberGone(ProxyHandler h, MethodModel m, Capability target) {
        boolean cut = !kernel.reachable(target.address().node());
        String why = cut ? "node " + target.address().node() + " cannot be reached (no transport has a connection to it)"
                : "member " + target.address() + " of " + h.target() + " went away";
        return new FleetException(cut ? Status.NO_ROUTE : Status.CLOSED, why + " before it answered " + m
                + (m.retryable ? "" : "; " + m.name + " is neither @Idempotent nor @Deduplicated, so it was not sent again:"
                + " it may or may not have run"), null);
    }

    /**
     * An asynchronous method's call: made synchronously, its stage returned complete, when the thread
     * waits for it right away ({@link WaitingCaller}), so that the reply comes straight to this thread.
     */
    private CompletionStage<Object> callStage(ProxyHandler h, MethodModel m, List<Object> args) {
        if (!WaitingCaller.isWaiting()) {
            return callAsync(h, m, args);
        }
        CompletableFuture<Object> done = new CompletableFuture<>();
        try {
            done.complete(callSync(h, m, args));
        } catch (Throwable t) {
            done.completeExceptionally(t);
        }
        return done;
    }

    CompletionStage<Object> callAsync(ProxyHandler h, MethodModel m, List<Object> args) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new FleetException(Status.CLOSED, "libfos of bundle " + owner + " has stopped", null));
            return future;
        }
        Wire.Invocation invocation = invocation(args, h.options); // before our own deadline: see invocation
        AsyncReplies replies = asyncReplies();
        AsyncReplies.Pending call = replies.expect(m, future, h);
        Wire.Request request = new Wire.Request(replies.mailbox.address(), replies.replyTo, call.correlation, m.name, invocation);
        AsyncReplies.sending(call, args, request);
        try {
            Capability to = send(h, m, args, request, System.nanoTime() + h.options.timeout().toNanos());
            AsyncReplies.sentTo(call, to);
        } catch (RuntimeException e) {
            replies.cancel(call);
            future.completeExceptionally(e);
        }
        return future;
    }

    /**
     * A call's arguments with a new request id and the call's deadline (its timeout from now, on the
     * wall clock, which the member's node reads too); a resend of the call sends the same invocation.
     * The caller takes it before it starts its own timeout, so the wall-clock deadline, a whole
     * millisecond, is never later than the moment the caller gives up: a member on the same clock that
     * takes the request once the caller has given up always finds it late and drops it unrun.
     */
    private Wire.Invocation invocation(List<Object> args, CallOptions options) {
        return new Wire.Invocation(args, clientId, sequence.incrementAndGet(), System.currentTimeMillis() + options.timeout().toMillis());
    }

    private static long newClientId() {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (id == 0);
        return id;
    }

    private SyncChannel channel() {
        SyncChannel c = channels.get();
        if (c == null) {
            closeOrphanedChannels();
            Mailbox box = kernel.createMailbox(label("libfos " + owner + " thread " + Thread.currentThread().getId()), SYNC_CAPACITY);
            c = new SyncChannel(box, replyCapability(box), Thread.currentThread());
            channels.set(c);
            allChannels.add(c);
        }
        return c;
    }

    /** Threads come and go (the shell runs each command on a new one): their reply mailboxes go with them. */
    private void closeOrphanedChannels() {
        for (SyncChannel c : allChannels) {
            if (c.isOrphaned() && allChannels.remove(c)) {
                c.mailbox.close();
            }
        }
    }

    private static String label(String text) {
        return text.length() <= 100 ? text : text.substring(0, 97) + "...";
    }

    AsyncReplies asyncReplies() {
        AsyncReplies a = asyncReplies;
        if (a == null) {
            synchronized (this) {
                a = asyncReplies;
                if (a == null) {
                    Mailbox box = kernel.createMailbox(label("libfos " + owner + " async replies"), ASYNC_CAPACITY, this::takeDirectReply);
                    a = new AsyncReplies(box, replyCapability(box), core.timer(), core.staleReplies, owner, this);
                    asyncReplies = a;
                }
            }
        }
        return a;
    }

    /** The async reply mailbox's direct delivery: replies of calls made with direct replies complete where they arrive. */
    private boolean takeDirectReply(Message reply) {
        AsyncReplies a = asyncReplies;
        return a != null && a.takeDirect(reply);
    }

    private Capability replyCapability(Mailbox box) {
        kernel.transfer(box.capability(), ownerBundleId);
        return kernel.narrow(box.capability(), EnumSet.of(Right.SEND));
    }
}
