package org.fos.kernel.spi;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a transport tells about its traffic, for monitoring: the web console's cluster page and the
 * node's metrics read it. A transport offers it by registering this interface beside
 * {@link Transport}, under the same service (so that its {@value Transport#NAME_PROPERTY} property
 * names both). Optional: a transport without it is still routed to, only not described.
 * Implementations return snapshots, are thread-safe and never block.
 */
@ConsumerType
public interface TransportStats {

    /**
     * Returns the traffic with each peer node this transport knows (connected, being dialled, or
     * connected before).
     *
     * @return one entry a peer, ordered by node id; the numbers are totals since the transport started
     */
    List<PeerStats> peers();

    /**
     * Returns the transport's own counters since it started: traffic totals, refusals and faults.
     * Names are lower camel case; a fault of the wire protocol is counted under
     * {@code fault.<REASON>} (for example {@code fault.OVERSIZED}), a message the transport could not
     * take under {@code refused<Reason>} (for example {@code refusedBackpressure}).
     *
     * @return the counters by name, in a stable order
     */
    Map<String, Long> counters();

    /**
     * The traffic of a transport with one peer node.
     *
     * @param node the peer's node id
     * @param connected whether a connection to it is established now
     * @param framesIn frames received from it
     * @param framesOut frames sent to it
     * @param bytesIn bytes received from it
     * @param bytesOut bytes sent to it
     * @param queuedBytes bytes waiting to be sent to it now
     */
    record PeerStats(String node, boolean connected, long framesIn, long framesOut, long bytesIn, long bytesOut, long queuedBytes) {
    }
}
