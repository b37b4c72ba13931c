package org.fos.benchmarks;

/**
 * The protocol of the local fleet call benchmark: the smallest useful request and reply, so that
 * the benchmark measures the call path, not the work.
 */
public interface Adder {

    /**
     * Adds two numbers.
     *
     * @param a one number
     * @param b the other
     * @return their sum
     */
    int add(int a, int b);
}
