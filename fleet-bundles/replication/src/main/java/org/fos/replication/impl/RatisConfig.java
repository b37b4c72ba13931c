package org.fos.replication.impl;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * How a node's Ratis server is set up from its {@link Settings}: its port (kept across starts), the
 * Raft properties (timeouts, read option, snapshots, log segments) and the TLS parameters.
 */
final class RatisConfig {
    /** A pause this node's Raft server is never closed for: longer than any a process survives in a cluster. */
    static final TimeDuration NEVER_CLOSE = TimeDuration.valueOf(3650, TimeUnit.DAYS);

    private RatisConfig() {
    }

    /** The port: the configured one, or the one kept from an earlier start, or a free one kept for later. */
    static int port(Settings settings) throws IOException {
        if (settings.port() != 0) {
            return settings.port();
        }
        Path kept = settings.storage().resolve("port");
        if (Files.exists(kept)) {
            String text = Files.readString(kept, StandardCharsets.UTF_8).trim();
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IOException(kept + " holds '" + text + "', not a port", e);
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(settings.host(), 0));
            port = s.getLocalPort();
        }
        Files.writeString(kept, Integer.toString(port), StandardCharsets.UTF_8);
        return port;
    }

    /**
     * Fails if another socket listens on the port, with an error that says what to do. Ratis's gRPC
     * service ends the whole process when it cannot bind (see {@link RaftNode}), and a port kept from an
     * earlier start may since have been given to another process.
     *
     * @param settings the settings, for the host and whether the port was configured
     * @param port the port the server is to listen on
     * @throws IOException if it is taken
     */
    static void requireFree(Settings settings, int port) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(settings.host(), port));
        } catch (BindException e) {
            throw portTaken(settings, port, e);
        }
    }

    /** The error of a Raft port another process holds: which port, where it came from, what to do. */
    static IOException portTaken(Settings settings, int port, Throwable cause) {
        String origin = settings.port() != 0 ? "the configured port " + port
                : "port " + port + ", chosen at this node's first start and kept in " + settings.storage().resolve("port")
                        + " since its Raft groups' configurations name it,";
        return new IOException("cannot serve Raft on " + settings.host() + ":" + port + ": " + origin + " is in use by another process"
                + " (" + cause.getMessage() + "); free the port" + (settings.port() != 0 ? " or configure another one" : "")
                + ", then restart the node or its replication bundle (stop and start the id that lb replication shows)", cause);
    }

    static RaftProperties properties(Settings s, int port) {
        RaftProperties p = new RaftProperties();
        GrpcConfigKeys.Server.setHost(p, s.host());
        GrpcConfigKeys.Server.setPort(p, port);
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("16MB"));
        // a client's request (to another node's division, or placement's administration) may take a whole request timeout
        org.apache.ratis.client.RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(s.requestTimeoutMillis(),
                TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.setStorageDir(p, List.of(s.storage().resolve("groups").toFile()));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(s.electionTimeoutMinMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(s.electionTimeoutMaxMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(s.requestTimeoutMillis(), TimeUnit.MILLISECONDS));
        // a group's first election, after a start or its creation, need not wait a whole election timeout
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(Math.max(50, s.electionTimeoutMinMillis() / 5),
                TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(Math.max(100, s.electionTimeoutMaxMillis() / 5),
                TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p,
                TimeDuration.valueOf(2 * s.electionTimeoutMaxMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotEveryEntries());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.setSleepDeviationThreshold(p, TimeDuration.valueOf(s.electionTimeoutMaxMillis(), TimeUnit.MILLISECONDS));
        // Ratis closes the whole server after a pause past this threshold (60 s by default), for a supervisor to restart
        // the process; a fos node runs on with a closed server, no replicas and nothing to restart it. A pause past the
        // step-down wait makes this node's leaders step down, and that is all Raft needs (ADR 0138)
        RaftServerConfigKeys.setCloseThreshold(p, NEVER_CLOSE);
        return p;
    }

    static Parameters parameters(Settings s) {
        Parameters p = new Parameters();
        if (s.tls()) {
            GrpcTlsConfig tls = TlsStores.grpc(s);
            GrpcConfigKeys.Server.setTlsConf(p, tls);
            GrpcConfigKeys.Admin.setTlsConf(p, tls);
            GrpcConfigKeys.Client.setTlsConf(p, tls);
            GrpcConfigKeys.TLS.setConf(p, tls);
        }
        return p;
    }
}
