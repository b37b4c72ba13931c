package org.fos.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * One server of the bare Ratis baseline of row 13, in a JVM of its own as a fos node is: a
 * {@link RaftServer} on loopback gRPC with {@link KvMapMachine} for every group the benchmark adds
 * (through Ratis's group management, as fos's placement adds a fleet's groups), and the Raft settings
 * of fos's replication ({@link #properties}). It says {@code READY} on its standard output and exits
 * when its standard input ends (the benchmark's JVM stopped or closed it).
 *
 * <pre>java -cp benchmarks.jar org.fos.benchmarks.KvRatisPeer &lt;peer id&gt; &lt;port&gt; &lt;storage folder&gt;</pre>
 */
public final class KvRatisPeer {

    /** fos's replication defaults (ReplicationComponent): election timeout bounds. */
    static final long ELECTION_TIMEOUT_MIN_MILLIS = 1_000;
    /** The upper election timeout bound. */
    static final long ELECTION_TIMEOUT_MAX_MILLIS = 2_000;
    /** How long a write or a linearizable read may wait for a quorum. */
    static final long REQUEST_TIMEOUT_MILLIS = 5_000;
    /** Entries between snapshots. */
    static final long SNAPSHOT_EVERY_ENTRIES = 100_000;

    private KvRatisPeer() {
    }

    /**
     * The Raft properties of a server and of the benchmark's clients: the values of fos's
     * {@code RaftNode.properties()} with the replication's defaults, copied (plaintext, as the fos
     * cluster of row 13 runs without TLS).
     *
     * @param port the server's port (0 for a client's properties)
     * @param storage the server's storage folder (null for a client's properties)
     * @return the properties
     */
    static RaftProperties properties(int port, Path storage) {
        RaftProperties p = new RaftProperties();
        GrpcConfigKeys.Server.setHost(p, "127.0.0.1");
        GrpcConfigKeys.Server.setPort(p, port);
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("16MB"));
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        if (storage != null) {
            RaftServerConfigKeys.setStorageDir(p, List.of(storage.resolve("groups").toFile()));
        }
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(ELECTION_TIMEOUT_MIN_MILLIS, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(ELECTION_TIMEOUT_MAX_MILLIS, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(Math.max(50, ELECTION_TIMEOUT_MIN_MILLIS / 5),
                TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(Math.max(100, ELECTION_TIMEOUT_MAX_MILLIS / 5),
                TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p,
                TimeDuration.valueOf(2 * ELECTION_TIMEOUT_MAX_MILLIS, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, SNAPSHOT_EVERY_ENTRIES);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.setSleepDeviationThreshold(p, TimeDuration.valueOf(ELECTION_TIMEOUT_MAX_MILLIS, TimeUnit.MILLISECONDS));
        return p;
    }

    /**
     * Runs the server until standard input ends.
     *
     * @param args the peer id, the port and the storage folder
     * @throws IOException if the server cannot start or stop
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: KvRatisPeer <peer id> <port> <storage folder>, not " + List.of(args));
        }
        Path storage = Path.of(args[2]);
        RaftServer server = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(args[0]))
                .setProperties(properties(Integer.parseInt(args[1]), storage)).setStateMachineRegistry(group -> new KvMapMachine())
                .setOption(RaftStorage.StartupOption.RECOVER).build();
        server.start();
        System.out.println("READY " + args[0]);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // the benchmark's JVM says nothing; the end of its input is the signal to stop
        }
        server.close();
        System.exit(0);
    }
}
