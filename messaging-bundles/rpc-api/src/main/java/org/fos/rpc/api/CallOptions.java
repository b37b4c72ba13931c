package org.fos.rpc.api;

import java.time.Duration;
import java.util.Objects;

import org.fos.kernel.api.Selection;

/**
 * How calls through a proxy are made.
 *
 * @param timeout how long a call waits for its reply, more than zero
 * @param selection how a member is picked for methods without a {@link Key} parameter;
 *        {@link Selection#KEY_AFFINITY} is used for those with one
 */
public record CallOptions(Duration timeout, Selection selection) {

    /** Thirty seconds, round-robin. */
    public static final CallOptions DEFAULT = new CallOptions(Duration.ofSeconds(30), Selection.ROUND_ROBIN);

    /**
     * Checks the options.
     *
     * @param timeout the timeout
     * @param selection the selection
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
     * Returns these options with another timeout.
     *
     * @param newTimeout the timeout
     * @return the new options
     */
    public CallOptions withTimeout(Duration newTimeout) {
        return new CallOptions(newTimeout, selection);
    }

    /**
     * Returns these options with another selection.
     *
     * @param newSelection the selection
     * @return the new options
     */
    public CallOptions withSelection(Selection newSelection) {
        return new CallOptions(timeout, newSelection);
    }
}
