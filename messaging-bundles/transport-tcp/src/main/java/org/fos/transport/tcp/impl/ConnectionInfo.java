package org.fos.transport.tcp.impl;

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
}
