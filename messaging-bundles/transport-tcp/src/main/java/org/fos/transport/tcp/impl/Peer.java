package org.fos.transport.tcp.impl;

import java.net.InetSocketAddress;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * What the TCP transport knows about one peer node: its active connection, where to dial it and the
 * state of the dialling. Dial state is guarded by the instance.
 */
final class Peer {
    final String node;
    volatile Connection active;
    InetSocketAddress address;
    int attempts;
    ScheduledFuture<?> pendingDial;
    Channel dialing;
    /** Why the last connection this node dialled to the peer was refused; null once one is established. */
    volatile String refusal;

    Peer(String node) {
        this.node = node;
    }
}
