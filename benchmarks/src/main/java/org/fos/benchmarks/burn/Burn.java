package org.fos.benchmarks.burn;

/**
 * A fleet whose calls each cost a fixed amount of CPU work in the member that takes them: a chain of
 * {@code rounds} xorshift steps, each depending on the one before, so that neither the JIT nor the
 * CPU can shorten it, and a member that loses its core for a while does not finish sooner (as a
 * member spinning until a point in time would). The benchmarks' workload bundle
 * ({@code target/fos-benchmarks-*-burn.jar}) provides it twice: {@link #FIXED} with the members its
 * configuration gives, {@link #ELASTIC} growing with its load.
 */
public interface Burn {

    /** The fleet of a fixed size (configuration {@code fos.fleet.members}, PID {@value #FIXED_PID}). */
    String FIXED = "/bench/burn";
    /** The configuration PID of {@link #FIXED}: its component's. */
    String FIXED_PID = "org.fos.benchmarks.burn.impl.BurnMember";
    /** The elastic fleet: 1 to 3 members. */
    String ELASTIC = "/bench/burn-elastic";

    /**
     * Does the work.
     *
     * @param seed where the chain starts; 0 is taken as 1 (xorshift stays at 0)
     * @param rounds how many steps, at least 0
     * @return where the chain ends
     * @throws IllegalArgumentException if {@code rounds} is negative
     */
    long burn(long seed, int rounds);

    /**
     * Does the same work and says which member did it.
     *
     * @param seed where the chain starts
     * @param rounds how many steps, at least 0
     * @return the member thread's name, such as {@code fos-member /bench/burn-elastic#1}
     * @throws IllegalArgumentException if {@code rounds} is negative
     */
    String burnBy(long seed, int rounds);

    /**
     * The work itself, for the members and for a calibration outside a fleet.
     *
     * @param seed where the chain starts; 0 is taken as 1
     * @param rounds how many steps
     * @return where the chain ends
     * @throws IllegalArgumentException if {@code rounds} is negative
     */
    static long work(long seed, int rounds) {
        if (rounds < 0) {
            throw new IllegalArgumentException("rounds must be at least 0, was " + rounds);
        }
        long x = seed == 0 ? 1 : seed;
        for (int i = 0; i < rounds; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
