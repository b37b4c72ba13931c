package org.fos.benchmarks;

import java.util.concurrent.CompletionStage;

/**
 * The protocol of the pipelined-call benchmark: {@link Adder}'s request and reply, called
 * asynchronously, so that one caller can keep many calls in flight.
 */
public interface AsyncAdder {

    /**
     * Adds two numbers.
     *
     * @param a one number
     * @param b the other
     * @return a stage that completes with their sum
     */
    CompletionStage<Integer> add(int a, int b);
}
