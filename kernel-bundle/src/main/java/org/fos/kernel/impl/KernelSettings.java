package org.fos.kernel.impl;

/**
 * The kernel's tunable settings, validated. Immutable; a configuration change installs a new one.
 *
 * @param idle how receivers wait
 * @param maxMailboxCapacity the largest capacity a mailbox may ask for
 * @param encodeAllMessages whether every local send encodes and decodes its payload
 */
record KernelSettings(IdleStrategy idle, int maxMailboxCapacity, boolean encodeAllMessages) {

    static final KernelSettings DEFAULT = new KernelSettings(IdleStrategy.DEFAULT, 1 << 20, false);

    KernelSettings {
        if (maxMailboxCapacity < 2 || maxMailboxCapacity > (1 << 30)) {
            throw new IllegalArgumentException("maxMailboxCapacity must be from 2 to 2^30, was " + maxMailboxCapacity);
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
        return new KernelSettings(new IdleStrategy(config.idleSpinNanos(), config.idleYieldNanos()),
                config.maxMailboxCapacity(), config.encodeAllMessages() || encodeAllByProperty);
    }
}
