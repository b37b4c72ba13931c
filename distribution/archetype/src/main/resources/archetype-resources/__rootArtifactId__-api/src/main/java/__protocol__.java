package ${package};

import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Key;

/**
 * Named counters, each kept by one member of the fleet: the member that the counter's name
 * ({@link Key}) routes to. Calls are messages to the fleet's name; a member takes them one at a
 * time, so it needs no locks.
 */
public interface ${protocol} {
    /** The fleet's name in the fos name space. */
    String NAME = "${fleetName}";

    /**
     * Adds to a counter.
     *
     * @param counter the counter's name
     * @param delta what to add (negative to subtract)
     * @return the counter's value after the addition
     */
    long add(@Key String counter, long delta);

    /**
     * Reads a counter. Idempotent: libfos may send it again after a member was replaced.
     *
     * @param counter the counter's name
     * @return its value, 0 if it was never added to
     */
    @Idempotent
    long get(@Key String counter);

    /**
     * Tells which version of the fleet serves.
     *
     * @return the version
     */
    @Idempotent
    String version();
}
