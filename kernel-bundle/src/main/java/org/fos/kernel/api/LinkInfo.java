package org.fos.kernel.api;

/**
 * A snapshot of this node's link to another node.
 *
 * @param node the other node
 * @param sent how many messages were numbered for it
 * @param unacknowledged how many wait for its acknowledgement
 * @param retransmitted how many transmissions were repeats
 * @param delivered the highest number of its messages delivered here
 * @param duplicates how many of its messages arrived again and were dropped
 * @param outOfOrder how many of its messages arrived ahead of a missing one and were dropped
 * @param deferred how many of its messages found their mailbox full and were left for it to send again
 */
public record LinkInfo(String node, long sent, int unacknowledged, long retransmitted, long delivered, long duplicates,
        long outOfOrder, long deferred) {
}
