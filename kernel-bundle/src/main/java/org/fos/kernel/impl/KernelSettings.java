package org.fos.kernel.impl;

/**
 * The kernel's tunable settings, validated. Immutable; a configuration change installs a new one.
 *
 * @param idle how receivers wait
 * @param maxMailboxCapacity the largest capacity a mailbox may ask for
 * @param encodeAllMessages whether every local send encodes and decodes its payload
 * @param linkCapacity the most unacknowledged messages a link to another node keeps
 * @param retransmitMillis how long a message to another node waits for its acknowledgement before it
 *        is sent again (fixed at start)
 * @param maxRemotePayloadBytes the largest encoded payload a message to another node may carry
 * @param unreachableAfterMillis how long no transport may reach a node before resolutions leave out its
 *        members and calls waiting for them give up (fixed at start)
 */
record KernelSettings(IdleStrategy idle, int maxMailboxCapacity, boolean encodeAllMessages, int linkCapacity,
        long retransmitMillis, int maxRemotePayloadBytes, long unreachableAfterMillis) {

    static final KernelSettings DEFAULT = new KernelSettings(IdleStrategy.DEFAULT, 1 << 20, false, 1 << 16, 200, 1_000_000, 1_000);

    KernelSettings(IdleStrategy idle, int maxMailboxCapacity, boolean encodeAllMessages) {
        this(idle, maxMailboxCapacity, encodeAllMessages, DEFAULT.linkCapacity(), DEFAULT.retransmitMillis());
    }

    KernelSettings(IdleStrategy idle, int maxMailboxCapacity, boolean encodeAllMessages, int linkCapacity, long retransmitMillis) {
        this(idle, maxMailboxCapacity, encodeAllMessages, linkCapacity, retransmitMillis, DEFAULT.maxRemotePayloadBytes(),
                DEFAULT.unreachableAfterMillis());
    }

    KernelSettings {
        if (maxMailboxCapacity < 2 || maxMailboxCapacity > (1 << 30)) {
            throw new IllegalArgumentException("maxMailboxCapacity must be from 2 to 2^30, was " + maxMailboxCapacity);
        }
        if (linkCapacity < 1 || linkCapacity > (1 << 24)) {
            throw new IllegalArgumentException("linkCapacity must be from 1 to 2^24, was " + linkCapacity);
        }
        if (retransmitMillis < 1) {
            throw new IllegalArgumentException("retransmitMillis must be positive, was " + retransmitMillis);
        }
        if (maxRemotePayloadBytes < 1) {
            throw new IllegalArgumentException("maxRemotePayloadBytes must be positive, was " + maxRemotePayloadBytes);
        }
        if (unreachableAfterMillis < 1) {
            throw new IllegalArgumentException("unreachableAfterMillis must be positive, was " + unreachableAfterMillis);
        }
    }

    static KernelSettings from(KernelComponent.Config config, boolean encodeAllByProperty) {
        if (config.idleSpinNanos() < 0) {
            throw new IllegalArgumentException("idleSpinNanos must not be negative, was " + config.idleSpinNanos());
        }
        if (config.idleYieldNanos() < config.idleSpinNanos()) {
            throw new IllegalArgumentException("idleYieldNanos (" + config.idleYieldNanos()
                    + ") must not be below idleSpinNanos (" + config.idleSpinNanos() + ")");
        }
        return new KernelSettings(new IdleStrategy(config.idleSpinNanos(), config.idleYieldNanos(), config.idleStretchNanos()),
                config.maxMailboxCapacity(), config.encodeAllMessages() || encodeAllByProperty, config.linkCapacity(),
                config.retransmitMillis(), config.maxRemotePayloadBytes(), config.unreachableAfterMillis());
    }
}
