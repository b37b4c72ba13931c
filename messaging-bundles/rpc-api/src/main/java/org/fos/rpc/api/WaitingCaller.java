package org.fos.rpc.api;

import java.util.concurrent.Callable;

/**
 * Marks a stretch of code whose thread waits for every asynchronous call's stage right away, as a
 * blocking API built on a fleet's asynchronous protocol does (the fos: file system's java.nio calls).
 *
 * <p>Inside {@link #call}, an asynchronous method (one that returns a {@code CompletionStage}) called
 * through a libfos proxy on this thread is made as a synchronous call: the thread sends the request
 * with its own reply mailbox and takes the reply itself before the method returns, so the stage it
 * returns is already complete, with the value or the failure the asynchronous call would have given
 * (the same timeout, the same resend when the member leaves its name). The reply then reaches the
 * waiting thread directly, one hand-off, where an asynchronous call's reply goes through the
 * calling bundle's reply thread, which completes the stage and wakes the waiting thread: a second
 * hand-off, a thread woken for nothing.
 *
 * <p>Not for calls meant to run side by side: inside {@code call}, each one waits for its reply
 * before the next is sent. Other threads, and this thread outside {@code call}, are not affected.
 */
public final class WaitingCaller {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private WaitingCaller() {
    }

    /**
     * Runs {@code work} with this thread marked as one that waits for its calls' stages.
     *
     * @param <T> what the work returns
     * @param work the calls, typically one proxy call that returns a stage
     * @return what the work returned
     * @throws Exception what the work threw
     */
    public static <T> T call(Callable<T> work) throws Exception {
        int[] depth = DEPTH.get();
        depth[0]++;
        try {
            return work.call();
        } finally {
            depth[0]--;
        }
    }

    /**
     * Tells whether this thread is inside {@link #call}; libfos asks it for every asynchronous call.
     *
     * @return true if the thread waits for its calls' stages
     */
    public static boolean isWaiting() {
        return DEPTH.get()[0] > 0;
    }
}
