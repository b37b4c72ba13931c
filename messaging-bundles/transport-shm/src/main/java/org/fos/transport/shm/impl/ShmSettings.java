package org.fos.transport.shm.impl;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.fos.kernel.api.Address;
import org.fos.transport.api.ClusterSecret;
import org.fos.transport.api.FrameDescriptor;

/**
 * The validated settings of a shared-memory transport ({@code ShmTransportComponent.Config} explains
 * each). Durations carry their unit in the name.
 *
 * @param directory this node's media driver directory (made with owner-only permissions)
 * @param stream the Aeron stream id this node subscribes to and writes to its peers on
 * @param hostId this machine's id; links go to nodes that publish the same one
 * @param cluster the cluster's name, checked in every HELLO
 * @param secret the cluster secret, or null: then the transport runs no media driver and links no node
 * @param linkSameHost whether to link nodes of this host at all ({@code linkTo=sameHost}) or none ({@code linkTo=none})
 * @param excludedNodes nodes never linked through shared memory
 * @param cost the cost reported to the kernel for a linked node
 * @param maxFrameBytes the largest frame, header included
 * @param heartbeatIntervalMillis a link that wrote nothing for this long sends a heartbeat
 * @param heartbeatTimeoutMillis a link that read nothing for this long is reset
 * @param handshakeTimeoutMillis a handshake that takes longer is reset
 * @param reconnectMinMillis the first delay before dialling a peer again
 * @param reconnectMaxMillis the longest delay before dialling a peer again
 * @param driverTimeoutMillis how long a peer's media driver may be silent before its link is reset
 * @param idleSpins how often the receiving thread spins when idle before it yields
 * @param idleYields how often it yields before it parks
 * @param idleParkMaxNanos the longest park of the idle receiving thread
 */
public record ShmSettings(Path directory, int stream, String hostId, String cluster, ClusterSecret secret, boolean linkSameHost,
        Set<String> excludedNodes, int cost, int maxFrameBytes, long heartbeatIntervalMillis, long heartbeatTimeoutMillis,
        long handshakeTimeoutMillis, long reconnectMinMillis, long reconnectMaxMillis, long driverTimeoutMillis, int idleSpins,
        int idleYields, long idleParkMaxNanos) {

    /** The smallest term of a log buffer Aeron takes. */
    private static final int MIN_TERM = 64 * 1024;

    /**
     * Checks every setting.
     *
     * @param directory see the record's description
     * @param stream see the record's description
     * @param hostId see the record's description
     * @param cluster see the record's description
     * @param secret see the record's description
     * @param linkSameHost see the record's description
     * @param excludedNodes see the record's description
     * @param cost see the record's description
     * @param maxFrameBytes see the record's description
     * @param heartbeatIntervalMillis see the record's description
     * @param heartbeatTimeoutMillis see the record's description
     * @param handshakeTimeoutMillis see the record's description
     * @param reconnectMinMillis see the record's description
     * @param reconnectMaxMillis see the record's description
     * @param driverTimeoutMillis see the record's description
     * @param idleSpins see the record's description
     * @param idleYields see the record's description
     * @param idleParkMaxNanos see the record's description
     * @throws IllegalArgumentException naming the first bad setting and its value
     */
    public ShmSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(cluster, "cluster");
        excludedNodes = Set.copyOf(excludedNodes);
        if (!directory.isAbsolute()) {
            throw new IllegalArgumentException("directory must be an absolute path, not '" + directory + "'");
        }
        if (stream == 0) {
            throw new IllegalArgumentException("streamId must not be 0");
        }
        if (hostId.isBlank() || hostId.indexOf(';') >= 0) {
            throw new IllegalArgumentException("hostId must not be blank or hold ';': '" + hostId + "'");
        }
        if (cluster.isBlank()) {
            throw new IllegalArgumentException("clusterName must not be blank");
        }
        for (String n : excludedNodes) {
            if (!Address.isValidNodeId(n)) {
                throw new IllegalArgumentException("excludedNodes names '" + n + "', which is not a node id");
            }
        }
        if (cost < 0) {
            throw new IllegalArgumentException("cost must be 0 or more, not " + cost);
        }
        if (maxFrameBytes < 4096 || maxFrameBytes > 64 << 20) {
            throw new IllegalArgumentException("maxFrameBytes must be 4096 to 67108864, not " + maxFrameBytes);
        }
        positive("heartbeatIntervalMillis", heartbeatIntervalMillis);
        positive("heartbeatTimeoutMillis", heartbeatTimeoutMillis);
        positive("handshakeTimeoutMillis", handshakeTimeoutMillis);
        positive("reconnectMinMillis", reconnectMinMillis);
        positive("driverTimeoutMillis", driverTimeoutMillis);
        if (heartbeatTimeoutMillis <= heartbeatIntervalMillis) {
            throw new IllegalArgumentException("heartbeatTimeoutMillis (" + heartbeatTimeoutMillis + ") must be more than"
                    + " heartbeatIntervalMillis (" + heartbeatIntervalMillis + ")");
        }
        if (reconnectMaxMillis < reconnectMinMillis) {
            throw new IllegalArgumentException("reconnectMaxMillis (" + reconnectMaxMillis + ") must not be less than reconnectMinMillis ("
                    + reconnectMinMillis + ")");
        }
        if (idleSpins < 0 || idleYields < 0) {
            throw new IllegalArgumentException("idleSpins and idleYields must be 0 or more, not " + idleSpins + " and " + idleYields);
        }
        if (idleParkMaxNanos < 1_000 || idleParkMaxNanos > 100_000_000) {
            throw new IllegalArgumentException("idleParkMaxNanos must be 1000 to 100000000, not " + idleParkMaxNanos);
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be more than 0, not " + value);
        }
    }

    /**
     * Returns settings with every default, for tests and embedding.
     *
     * @param directory the media driver directory
     * @param cluster the cluster's name
     * @param secret the cluster secret, or null
     * @return the settings
     */
    public static ShmSettings defaults(Path directory, String cluster, ClusterSecret secret) {
        return new ShmSettings(directory, 1001, HostId.detect(), cluster, secret, true, Set.of(), 1, 1 << 20, 1_000, 5_000, 5_000,
                100, 5_000, 5_000, 2_000, 100, 1_000_000);
    }

    /**
     * Returns these settings with other heartbeat times.
     *
     * @param intervalMillis the heartbeat interval
     * @param timeoutMillis the heartbeat timeout
     * @return the new settings
     */
    public ShmSettings withHeartbeat(long intervalMillis, long timeoutMillis) {
        return new ShmSettings(directory, stream, hostId, cluster, secret, linkSameHost, excludedNodes, cost, maxFrameBytes,
                intervalMillis, timeoutMillis, handshakeTimeoutMillis, reconnectMinMillis, reconnectMaxMillis, driverTimeoutMillis,
                idleSpins, idleYields, idleParkMaxNanos);
    }

    /**
     * Returns these settings with another host id and excluded nodes.
     *
     * @param host the host id
     * @param excluded nodes never linked
     * @return the new settings
     */
    public ShmSettings withHost(String host, Set<String> excluded) {
        return new ShmSettings(directory, stream, host, cluster, secret, linkSameHost, excluded, cost, maxFrameBytes,
                heartbeatIntervalMillis, heartbeatTimeoutMillis, handshakeTimeoutMillis, reconnectMinMillis, reconnectMaxMillis,
                driverTimeoutMillis, idleSpins, idleYields, idleParkMaxNanos);
    }

    /**
     * Returns the term length of the log buffers: a power of two that holds eight of the largest
     * frames (Aeron's largest message is an eighth of a term), at least 64 KiB.
     *
     * @return bytes
     */
    public int termBytes() {
        int need = Math.max(MIN_TERM, maxFrameBytes * 8);
        return Integer.highestOneBit(need - 1) << 1;
    }

    /**
     * Reads a comma-separated list of node ids.
     *
     * @param list the text, may be blank
     * @return the ids
     */
    static Set<String> parseNodes(String list) {
        if (list == null || list.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Returns the largest body a frame may have.
     *
     * @return bytes
     */
    int maxBodyBytes() {
        return maxFrameBytes - FrameDescriptor.HEADER_LENGTH;
    }
}
