package org.fos.transport.tcp.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fos.kernel.spi.TransportStats.PeerStats;

/**
 * One connection of the TCP transport, as {@code fos:transport} shows it. The traffic numbers are
 * read without a lock and may lag a little.
 *
 * @param peer the peer node (the node dialled until the handshake is done)
 * @param remote the peer's socket address
 * @param direction {@code out} if this node dialled, {@code in} if it accepted
 * @param state HANDSHAKE, ESTABLISHED or CLOSED
 * @param active whether this is the connection the peer's messages go through
 * @param since when it was established (or opened, before that), ISO-8601 UTC
 * @param framesIn frames read
 * @param framesOut frames written
 * @param bytesIn bytes read
 * @param bytesOut bytes written
 * @param queuedBytes bytes waiting to be written: in the connection's queue and in Netty's outbound buffer
 * @param writable whether Netty's outbound buffer is under its high water mark
 */
public record ConnectionInfo(String peer, String remote, String direction, String state, boolean active, String since,
        long framesIn, long framesOut, long bytesIn, long bytesOut, long queuedBytes, boolean writable) {

    /**
     * Sums the traffic of connections by peer: there may be two to one peer while a duplicate is resolved.
     *
     * @param up whether each known peer has an established, active connection, by node id
     * @param connections the open connections
     * @return one entry a peer that is known or has a connection, by node id
     */
    static List<PeerStats> byPeer(Map<String, Boolean> up, List<ConnectionInfo> connections) {
        Map<String, long[]> sums = new TreeMap<>();
        up.keySet().forEach(node -> sums.put(node, new long[5]));
        for (ConnectionInfo c : connections) {
            long[] s = sums.computeIfAbsent(c.peer(), k -> new long[5]);
            s[0] += c.framesIn();
            s[1] += c.framesOut();
            s[2] += c.bytesIn();
            s[3] += c.bytesOut();
            s[4] += c.queuedBytes();
        }
        List<PeerStats> out = new ArrayList<>();
        sums.forEach((node, s) -> out.add(new PeerStats(node, up.getOrDefault(node, false), s[0], s[1], s[2], s[3], s[4])));
        return out;
    }
}
