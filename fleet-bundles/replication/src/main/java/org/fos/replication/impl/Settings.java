package org.fos.replication.impl;

import java.nio.file.Path;

/**
 * The replication's settings, checked (PID {@code org.fos.replication}; see
 * {@link ReplicationComponent.Config} for what each means).
 *
 * @param host the address the Raft server listens on
 * @param port its port; 0 picks a free one on first start and keeps it for later starts
 * @param advertisedHost the host other nodes dial; empty for {@code host}
 * @param storage the folder of the Raft logs and snapshots
 * @param electionTimeoutMinMillis the lower bound of Raft's randomized election timeout
 * @param electionTimeoutMaxMillis its upper bound
 * @param requestTimeoutMillis how long a write or linearizable read may wait for a quorum
 * @param replaceAfterMillis how long a node must be gone before its replicas are placed elsewhere
 * @param placementPeriodMillis how often placement compares the groups with the nodes
 * @param settleMillis how long the nodes that run a new fleet must stay the same before its groups are created
 * @param snapshotEveryEntries how many applied entries make a group write a snapshot
 * @param dedupWindowMillis how long a group remembers an applied request id
 * @param dedupMaxEntries how many applied request ids a group remembers at most
 * @param tls whether Raft traffic uses mutual TLS
 * @param keyStore the node's key store (PKCS12 unless {@code keyStoreType} says otherwise)
 * @param keyStorePassword its password
 * @param keyStoreType its type
 * @param trustStore the cluster CA's store
 * @param trustStorePassword its password
 * @param trustStoreType its type
 * @param plainTextOnNetwork whether Raft may run without TLS on an address that is not loopback
 * @param rebalanceOff the fleets whose groups the balancer leaves where they are ({@code *}: every fleet)
 */
record Settings(String host, int port, String advertisedHost, Path storage, long electionTimeoutMinMillis,
        long electionTimeoutMaxMillis, long requestTimeoutMillis, long replaceAfterMillis, long placementPeriodMillis,
        long settleMillis, long snapshotEveryEntries, long dedupWindowMillis, int dedupMaxEntries, boolean tls, String keyStore,
        String keyStorePassword, String keyStoreType, String trustStore, String trustStorePassword, String trustStoreType,
        boolean plainTextOnNetwork, java.util.Set<String> rebalanceOff) {

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException naming the first bad value
     */
    Settings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty: name the address the Raft server listens on, such as 127.0.0.1");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, was " + port);
        }
        if (electionTimeoutMinMillis < 50 || electionTimeoutMaxMillis <= electionTimeoutMinMillis) {
            throw new IllegalArgumentException("electionTimeoutMinMillis must be at least 50 and below electionTimeoutMaxMillis, were "
                    + electionTimeoutMinMillis + " and " + electionTimeoutMaxMillis);
        }
        if (requestTimeoutMillis < 2 * electionTimeoutMaxMillis) {
            throw new IllegalArgumentException("requestTimeoutMillis must be at least twice electionTimeoutMaxMillis ("
                    + 2 * electionTimeoutMaxMillis + "), was " + requestTimeoutMillis + ": a request must outlast an election");
        }
        positive("replaceAfterMillis", replaceAfterMillis);
        positive("placementPeriodMillis", placementPeriodMillis);
        if (settleMillis < 0) {
            throw new IllegalArgumentException("settleMillis must not be negative, was " + settleMillis);
        }
        if (snapshotEveryEntries < 16) {
            throw new IllegalArgumentException("snapshotEveryEntries must be at least 16, was " + snapshotEveryEntries);
        }
        rebalanceOff = java.util.Set.copyOf(rebalanceOff);
        for (String fleet : rebalanceOff) {
            if (!fleet.equals("*")) {
                org.fos.kernel.api.Names.requireValidName(fleet);
            }
        }
        positive("dedupWindowMillis", dedupWindowMillis);
        positive("dedupMaxEntries", dedupMaxEntries);
        if (tls && (keyStore.isBlank() || trustStore.isBlank())) {
            throw new IllegalArgumentException("tls=true needs keyStore and trustStore");
        }
        if (!tls && !plainTextOnNetwork && !loopback(host)) {
            throw new IllegalArgumentException("host=" + host + " without tls: Ratis's gRPC authenticates nobody, so any process that"
                    + " reaches " + host + " could read and write the replicated fleets' state. Set tls=true with the cluster CA's"
                    + " stores (bin/fos-certs), keep host at 127.0.0.1, or, on a network only the cluster's nodes reach,"
                    + " set plainTextOnNetwork=true (ADR 0083)");
        }
    }

    /** Whether a listen address serves this host only. */
    static boolean loopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** The host other nodes dial. */
    String published() {
        return advertisedHost.isBlank() ? host : advertisedHost;
    }
}
