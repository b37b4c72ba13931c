package org.fos.fs.engine;

/**
 * How a file-system member grants leases on what it answers (see {@code docs/files.md}, "Client
 * caches under leases").
 *
 * @param leaseMillis how long a lease lasts, 0 to grant none; at most {@value #MAX_LEASE_MILLIS}
 * @param maxHolders the most clients a member holds leases for at once, at least 1
 * @param maxLeasesPerHolder the most leases (directories and inodes) of one client, at least 1
 */
public record LeaseSettings(long leaseMillis, int maxHolders, int maxLeasesPerHolder) {

    /** The longest lease: a change may wait this long for a client that does not answer. */
    public static final long MAX_LEASE_MILLIS = 60_000;

    /** What a member grants unless configured otherwise: 3 s leases, 256 clients, 2048 leases each. */
    public static final LeaseSettings DEFAULT = new LeaseSettings(3_000, 256, 2_048);

    /**
     * Checks the settings.
     *
     * @param leaseMillis how long a lease lasts, from 0 to {@value #MAX_LEASE_MILLIS}
     * @param maxHolders the most holders, from 1 to 1,000,000
     * @param maxLeasesPerHolder the most leases of one holder, from 1 to 1,000,000
     * @throws IllegalArgumentException naming the value out of range
     */
    public LeaseSettings {
        if (leaseMillis < 0 || leaseMillis > MAX_LEASE_MILLIS) {
            throw new IllegalArgumentException("leaseMillis must be 0 (no leases) to " + MAX_LEASE_MILLIS + ", was " + leaseMillis);
        }
        if (maxHolders < 1 || maxHolders > 1_000_000) {
            throw new IllegalArgumentException("maxLeaseHolders must be 1 to 1000000, was " + maxHolders);
        }
        if (maxLeasesPerHolder < 1 || maxLeasesPerHolder > 1_000_000) {
            throw new IllegalArgumentException("maxLeasesPerHolder must be 1 to 1000000, was " + maxLeasesPerHolder);
        }
    }

    /**
     * The lease settings of a member's configuration.
     *
     * @param config the configuration
     * @return the settings
     * @throws IllegalArgumentException if a value is out of range
     */
    public static LeaseSettings of(FsEngine.Config config) {
        return new LeaseSettings(config.leaseMillis(), config.maxLeaseHolders(), config.maxLeasesPerHolder());
    }
}
