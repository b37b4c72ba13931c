package org.fos.fleet.impl;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.fos.fleet.api.MemberIdentity;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Registration;
import org.fos.kernel.api.Right;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.Libfos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of one fleet on a node, with the dispatcher each uses now and their entries under the
 * fleet's name. Only kernel calls happen here (mailboxes, names), never the implementation's code;
 * waiting for a member's thread to end happens in {@link #stop(List)}, which callers run without
 * the controller's lock.
 *
 * <p>Not thread-safe: the controller's lock guards it.
 */
final class Members {
    private static final Logger LOG = LoggerFactory.getLogger(Members.class);

    private final String fleet;
    private final Kernel kernel;
    private final List<Member> members = new ArrayList<>();
    /** The dispatchers of the bound implementation, one a member (none while nothing is bound). */
    private final List<Dispatcher> dispatchers = new ArrayList<>();
    /** The properties of the members' name entries, set when the names are first registered. */
    private Map<String, String> nameProperties;
    private int capacity;

    Members(String fleet, Kernel kernel) {
        this.fleet = fleet;
        this.kernel = kernel;
    }

    /** Creates the members, paused: their mailboxes and threads, not yet their names. */
    void create(int count, int mailboxCapacity, int batch) {
        this.capacity = mailboxCapacity;
        for (int i = 0; i < count; i++) {
            Member m = newMember(i, batch);
            members.add(m);
            m.start();
        }
    }

    /** A member with a new mailbox, not started nor added. */
    Member newMember(int index, int batch) {
        Mailbox box = kernel.createMailbox(fleet + "#" + index, capacity);
        return new Member(fleet, index, box, batch);
    }

    /** Adds a member that joins a serving fleet: it dispatches to {@code d} and is published. */
    void join(Member m, Dispatcher d) {
        members.add(m);
        dispatchers.add(d);
        m.start();
        m.resume(d);
        m.registration = register(m, false);
    }

    /** Takes a member away (it left); returns where it was. */
    int leave(Member m) {
        int at = members.indexOf(m);
        members.remove(at);
        dispatchers.remove(at);
        return at;
    }

    List<Member> list() {
        return members;
    }

    int size() {
        return members.size();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    /** The identities the members of a new version are told. */
    List<MemberIdentity> identities() {
        List<MemberIdentity> out = new ArrayList<>();
        for (Member m : members) {
            out.add(new MemberIdentity(fleet, m.index, members.size(), m.mailbox.address()));
        }
        return out;
    }

    /** The index a new member gets: one above the highest. */
    int nextIndex() {
        int index = 0;
        for (Member m : members) {
            index = Math.max(index, m.index + 1);
        }
        return index;
    }

    /** Makes the members dispatch to these instances, from the first message not yet dispatched. */
    void resume(Libfos libfos, Class<?> dispatched, Object[] instances) {
        dispatchers.clear();
        for (int i = 0; i < members.size(); i++) {
            Dispatcher d = libfos.dispatcher(cast(dispatched), instances[i]);
            dispatchers.add(d);
            members.get(i).resume(d);
        }
    }

    /** The dispatchers now (empty while nothing is bound); the list is a copy. */
    List<Dispatcher> dispatchers() {
        return List.copyOf(dispatchers);
    }

    /** Forgets the dispatchers of a version that went. */
    void clearDispatchers() {
        dispatchers.clear();
    }

    /** The dispatcher of a member, or null if it has none. */
    Dispatcher dispatcherOf(Member m) {
        int at = members.indexOf(m);
        return at < 0 || dispatchers.size() != members.size() ? null : dispatchers.get(at);
    }

    @SuppressWarnings("unchecked")
    static <T> Class<T> cast(Class<?> c) {
        return (Class<T>) c;
    }

    /**
     * Registers the members under the fleet's name; an implementation whose service has the property
     * {@link Names#SCOPE_PROPERTY} (a fleet per node, such as a device) passes it to the members' entries.
     */
    void registerNames(Class<?> protocol, Object scope) {
        Map<String, String> properties = new HashMap<>();
        properties.put("fos.protocol", protocol.getName());
        properties.put("fos.fleet.members", Integer.toString(members.size()));
        if (scope != null) {
            properties.put(Names.SCOPE_PROPERTY, scope.toString());
        }
        nameProperties = Map.copyOf(properties);
        for (Member m : members) {
            m.registration = register(m, false);
        }
    }

    /** Publishes a member under the fleet's name; a leaving one with {@link Names#DRAINING_PROPERTY}. */
    Registration register(Member m, boolean draining) {
        Map<String, String> properties = new HashMap<>(nameProperties);
        properties.put("fos.member", Integer.toString(m.index));
        if (draining) {
            properties.put(Names.DRAINING_PROPERTY, "true");
        }
        return kernel.names().register(fleet, kernel.narrow(m.mailbox.capability(),
                EnumSet.of(Right.SEND, Right.GRANT, Right.CALL, Right.PEER, Right.ADMIN)), Map.copyOf(properties));
    }

    /** Takes the members' names away. */
    void closeNames() {
        for (Member m : members) {
            if (m.registration != null) {
                m.registration.close();
                m.registration = null;
            }
        }
    }

    /** Takes all members away, to be stopped with {@link #stop(List)} outside the lock. */
    List<Member> takeAll() {
        List<Member> all = List.copyOf(members);
        members.clear();
        dispatchers.clear();
        return all;
    }

    /** Stops members and closes their mailboxes (what still waits in them is discarded); waits for their threads. */
    static void stop(List<Member> gone) {
        for (Member m : gone) {
            try {
                m.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Requests waiting in the members' mailboxes. */
    int depth() {
        int n = 0;
        for (Member m : members) {
            n += m.depth();
        }
        return n;
    }

    /** Members that serve (are not leaving). */
    int servingCount() {
        int n = 0;
        for (Member m : members) {
            n += m.draining ? 0 : 1;
        }
        return n;
    }

    /** Calls taken and not yet answered, over the given dispatchers. */
    static int outstanding(List<Dispatcher> ds) {
        int open = 0;
        for (Dispatcher d : ds) {
            open += d.outstanding();
        }
        return open;
    }

    /**
     * Waits until the calls the members took are all answered: a method that returned a stage may
     * still be waiting for another fleet, through libfos of the bundle that is going, and its state
     * is only whole once it has answered. Bounded; what is still open then is answered with an
     * error when that bundle's libfos stops. Runs without the controller's lock.
     */
    static void awaitAnswered(List<Dispatcher> ds, long timeoutMillis, String fleet, String version) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int open = outstanding(ds);
        while (open > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            open = outstanding(ds);
        }
        if (open > 0) {
            LOG.warn("fleet {}: {} calls still unanswered after {} ms; they fail as version {} goes", fleet, open, timeoutMillis, version);
        }
    }

    /**
     * Answers every request waiting in the members' mailboxes with {@code NO_SUCH_NAME}: a dispatcher
     * over an implementation of the protocol that refuses every method drains them (no code of the
     * fleet runs).
     *
     * @return how many requests were answered
     */
    int refuseQueued(Libfos libfos, Class<?> dispatched, String message) {
        int queued = depth();
        if (queued == 0 || dispatched == null) {
            return queued;
        }
        Object refuser = java.lang.reflect.Proxy.newProxyInstance(dispatched.getClassLoader(), new Class<?>[] {dispatched},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "removed fleet " + fleet;
                        };
                    }
                    throw new FleetException(org.fos.kernel.api.Status.NO_SUCH_NAME, message, null);
                });
        Dispatcher d = libfos.dispatcher(cast(dispatched), refuser);
        for (Member m : members) {
            m.resume(d);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (depth() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        for (Member m : members) {
            m.pause();
        }
        int left = depth();
        if (left > 0) {
            LOG.warn("fleet {}: {} queued calls were not answered within 10 s; they are discarded and their callers time out", fleet, left);
        }
        return queued - left;
    }
}
