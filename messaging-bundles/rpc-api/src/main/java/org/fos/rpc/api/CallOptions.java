package org.fos.rpc.api;

import java.time.Duration;
import java.util.Objects;

import org.fos.kernel.api.Selection;

/**
 * How calls through a proxy are made.
 *
 * @param timeout how long a call waits for its reply, more than zero; an asynchronous call's stage
 *        fails up to 10 ms after it passed
 * @param selection how a member is picked for methods without a {@link Key} parameter;
 *        {@link Selection#KEY_AFFINITY} is used for those with one
 * @param directReplies whether the stage of an asynchronous call completes on the thread that
 *        delivers its reply (a transport's event loop for a member on another node, the member's
 *        thread on this one), as gRPC's direct executor does, instead of on the calling bundle's
 *        reply thread: one thread hand-off less a call, and stages that depend on it run there too,
 *        so they must not block. False by default. Since 1.5.
 */
public record CallOptions(Duration timeout, Selection selection, boolean directReplies) {

    /** Thirty seconds, round-robin, replies through the reply thread. */
    public static final CallOptions DEFAULT = new CallOptions(Duration.ofSeconds(30), Selection.ROUND_ROBIN, false);

    /**
     * Checks the options.
     *
     * @param timeout the timeout
     * @param selection the selection
     * @param directReplies whether replies complete their stages where they are delivered
     * @throws IllegalArgumentException if the timeout is not positive or the selection is
     *         {@link Selection#KEY_AFFINITY} (which needs a key parameter)
     */
    public CallOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(selection, "selection");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("call timeout must be positive, was " + timeout);
        }
        if (selection == Selection.KEY_AFFINITY) {
            throw new IllegalArgumentException("KEY_AFFINITY is chosen per method by a @Key parameter, not for a whole proxy");
        }
    }

    /**
     * Options whose asynchronous calls complete on the reply thread.
     *
     * @param timeout the timeout
     * @param selection the selection
     * @throws IllegalArgumentException as the canonical constructor
     */
    public CallOptions(Duration timeout, Selection selection) {
        this(timeout, selection, false);
    }

    /**
     * Returns these options with another timeout.
     *
     * @param newTimeout the timeout
     * @return the new options
     */
    public CallOptions withTimeout(Duration newTimeout) {
        return new CallOptions(newTimeout, selection, directReplies);
    }

    /**
     * Returns these options with another selection.
     *
     * @param newSelection the selection
     * @return the new options
     */
    public CallOptions withSelection(Selection newSelection) {
        return new CallOptions(timeout, newSelection, directReplies);
    }

    /**
     * Returns these options with asynchronous calls completing on the thread that delivers their
     * replies, or on the reply thread.
     *
     * @param direct whether replies complete their stages where they are delivered
     * @return the new options
     */
    public CallOptions withDirectReplies(boolean direct) {
        return new CallOptions(timeout, selection, direct);
    }
}
