package org.fos.rpc.api;

/**
 * The call a fleet member serves on the current thread. A dispatcher ({@link Dispatcher}) enters a
 * call's context before it calls the implementation's method and leaves it when the method returns,
 * so the method, and what it calls synchronously, can read the call's {@link RequestId}. A method
 * that completes later (returns a {@code CompletionStage}) must read it before it returns.
 */
public final class CallContext {
    // Leaving sets null rather than removing: the thread keeps its (weakly keyed) entry, so the next
    // call on it neither makes a new entry nor clears a reference. A null value holds nothing alive.
    private static final ThreadLocal<RequestId> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<Integer> RIGHTS = new ThreadLocal<>();

    private CallContext() {
    }

    /**
     * Returns the request id of the call served on this thread.
     *
     * @return the id, or null outside a call or for a call from a sender that gives none
     */
    public static RequestId requestId() {
        return CURRENT.get();
    }

    /**
     * Returns the rights of the capability the call served on this thread came with, so that a
     * method can answer callers differently (the naming fleet gives member capabilities only to
     * callers with {@link org.fos.kernel.api.Right#PEER} or {@link org.fos.kernel.api.Right#ADMIN}).
     * Read it before returning a stage, as {@link #requestId()}.
     *
     * @return a mask of {@link org.fos.kernel.api.Right} bits; every right outside a call (a direct
     *         call in the same bundle)
     */
    public static int rights() {
        Integer r = RIGHTS.get();
        return r == null ? org.fos.kernel.api.Right.ALL_BITS : r;
    }

    /**
     * Enters the rights of a call's capability on this thread (for dispatchers).
     *
     * @param rights the mask
     * @return what this replaces, to be given to {@link #leaveRights(Integer)}
     */
    public static Integer enterRights(int rights) {
        Integer previous = RIGHTS.get();
        RIGHTS.set(rights);
        return previous;
    }

    /**
     * Leaves the rights of a call, going back to what {@link #enterRights(int)} replaced.
     *
     * @param previous what {@link #enterRights(int)} returned
     */
    public static void leaveRights(Integer previous) {
        RIGHTS.set(previous);
    }

    /**
     * Enters a call's context on this thread (for dispatchers).
     *
     * @param id the call's request id, may be null
     * @return the context this replaces, to be given to {@link #leave(RequestId)}
     */
    public static RequestId enter(RequestId id) {
        RequestId previous = CURRENT.get();
        CURRENT.set(id);
        return previous;
    }

    /**
     * Leaves a call's context on this thread (for dispatchers), going back to what {@link #enter}
     * replaced.
     *
     * @param previous what {@link #enter} returned
     */
    public static void leave(RequestId previous) {
        CURRENT.set(previous);
    }
}
