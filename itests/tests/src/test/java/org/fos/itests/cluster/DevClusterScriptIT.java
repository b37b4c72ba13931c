package org.fos.itests.cluster;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.awaitility.Awaitility;
import org.fos.testkit.NodeProcess;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * {@code bin/fos-cluster} run for real, as a user would (issue 11, item 7): three nodes in the
 * background, each in a session of its own; a node killed with SIGKILL is reported dead; {@code
 * stop} ends every node and ZooKeeper and returns, and no process of the cluster is left. The
 * script does the same in the encode-all pass, which skips this class.
 */
public class DevClusterScriptIT {
    private static final Duration START = Duration.ofMinutes(3);
    /** Longer than the script's own bound (stop 0, 20 s, SIGTERM, 10 s, SIGKILL, then ZooKeeper's 10 s): only a hang passes it. */
    private static final Duration STOP_LIMIT = Duration.ofMinutes(2);
    private Path dir;
    private Map<String, String> env;

    @Before
    public void prepare() throws IOException {
        Assume.assumeFalse("the script is the same in the encode-all pass", Boolean.getBoolean("fos.kernel.encodeAllMessages"));
        dir = Path.of("target", "dev-cluster-script").toAbsolutePath();
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        // the nodes run without their web consoles: the script's process handling is the subject, and
        // consoles on the fixed ports 8081-8083 would be slower to start and meet whatever else listens there
        env = Map.of("FOS_CLUSTER", dir.toString(), "FOS_ZK_PORT", Integer.toString(freePorts(1)), "FOS_PORT_BASE",
                Integer.toString(freePorts(3) - 1), "JAVA_HOME", System.getProperty("java.home"), "FOS_JAVA_OPTS", "-Dfos.console=false");
    }

    @After
    public void cleanUp() throws Exception {
        if (dir != null && !processesOf(dir).isEmpty()) {
            script(STOP_LIMIT, "stop"); // a failed test leaves nothing running either
            for (String line : processesOf(dir)) {
                kill("-KILL", line.strip().split("\\s+")[0]);
            }
        }
    }

    @Test
    public void aKilledNodeIsReportedDeadAndStopEndsEveryProcessInBoundedTime() throws Exception {
        String started = script(START, "start", "3", "--detach");
        assertTrue(started, started.contains("node-3 started in the background"));
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            pids.add(Long.parseLong(Files.readString(dir.resolve("node-" + i + "/pid")).strip()));
        }
        for (long pid : pids) {
            // a node of its own: its own session, and no node or ZooKeeper is its parent
            String[] fields = ps(pid, "sid=,ppid=").split("\\s+");
            assertEquals("session of " + pid, pid, Long.parseLong(fields[0]));
            assertFalse("parent of " + pid + " is a node", pids.contains(Long.parseLong(fields[1])));
        }
        // every shell reads what is written to its FIFO
        for (int i = 1; i <= 3; i++) {
            Path node = dir.resolve("node-" + i);
            String marker = "ready-" + i;
            shell(i, "echo " + marker);
            Awaitility.await("node-" + i + "'s shell").atMost(START).pollInterval(Duration.ofMillis(250))
                    .until(() -> Files.readString(node.resolve("console.log")).contains(marker));
        }
        String status = script(START, "status");
        assertTrue(status, status.contains("ZooKeeper: running") && status.contains("node-2: running (pid " + pids.get(1) + ")"));

        raftIsMutualTlsAndServes();

        kill("-KILL", Long.toString(pids.get(1)));
        Awaitility.await("status to report node-2 dead").atMost(START).pollInterval(Duration.ofMillis(250))
                .until(() -> script(START, "status").contains("node-2: dead (pid " + pids.get(1)));
        status = script(START, "status");
        assertTrue(status, status.contains("node-1: running") && status.contains("node-3: running"));
        assertTrue(status, status.contains("node-2: dead (pid " + pids.get(1) + " is gone; bin/fos-cluster start 2 starts it again"));
        // as the status says: node-1 keeps running, node-2 starts again and joins the others
        String again = script(START, "start", "2", "--detach");
        assertTrue(again, again.contains("node-1 runs already") && again.contains("node-2 started in the background"));
        long restarted = Long.parseLong(Files.readString(dir.resolve("node-2/pid")).strip());
        assertNotEquals(pids.get(1).longValue(), restarted);
        status = script(START, "status");
        assertTrue(status, status.contains("node-1: running (pid " + pids.get(0) + ")") && status.contains("node-2: running (pid " + restarted
                + ")") && status.contains("node-3: running (pid " + pids.get(2) + ")"));

        long t0 = System.nanoTime();
        String stopped = script(STOP_LIMIT, "stop");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("DevClusterScriptIT: stop took " + millis + " ms: " + stopped);
        assertTrue(stopped, stopped.contains("cluster stopped"));
        assertEquals("processes left: " + processesOf(dir), List.of(), processesOf(dir));
        status = script(START, "status");
        assertEquals("ZooKeeper: stopped", status.strip());
    }

    /**
     * The Raft servers talk mutual TLS with keys from the cluster's CA (ADR 0083): their settings
     * are readable by the nodes' user only, a write through node-1 is read on node-3, and a process
     * without a certificate from the CA gets no Raft conversation out of node-1.
     */
    private void raftIsMutualTlsAndServes() throws Exception {
        for (int i = 1; i <= 3; i++) {
            Path raft = dir.resolve("node-" + i + "/etc/org.fos.replication.cfg");
            assertTrue(raft + " turns TLS on", Files.readAllLines(raft).contains("tls=true"));
            assertEquals(raft + " is the user's only", "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(raft)));
        }
        assertEquals("the CA's key is the user's only", "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("certs/ca.p12"))));

        Awaitility.await("a put through node-1").atMost(START).pollInterval(Duration.ofSeconds(1)).until(() -> {
            shell(1, "fos:call /sys/kv put dev-raft over-tls");
            return Files.readString(dir.resolve("node-1/console.log")).contains("PutResult[revision=");
        });
        Awaitility.await("node-3 to read it").atMost(START).pollInterval(Duration.ofSeconds(1)).until(() -> {
            shell(3, "fos:call /sys/kv get dev-raft");
            return Files.readString(dir.resolve("node-3/console.log")).contains("dev-raft=over-tls");
        });

        int port = Integer.parseInt(Files.readString(dir.resolve("node-1/data/raft/port")).strip());
        // in plain text: a gRPC server without TLS would answer HTTP/2's preface with its SETTINGS frame
        try (java.net.Socket plain = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            plain.setSoTimeout(30_000);
            plain.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
            plain.getOutputStream().flush();
            int first;
            try {
                first = plain.getInputStream().read();
            } catch (java.net.SocketException reset) {
                first = -1;
            }
            assertTrue("node-1's Raft port answered plain HTTP/2 with byte " + first, first == -1 || first == 0x15);
        }
        SSLContext stranger = SSLContext.getInstance("TLS");
        stranger.init(null, new TrustManager[] {ClusterSupport.trustEverything()}, null);
        boolean handshaken = false;
        try (SSLSocket s = (SSLSocket) stranger.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            s.startHandshake();
            handshaken = true;
            s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            int read = s.getInputStream().read();
            assertEquals("a stranger without a certificate read from node-1's Raft port", -1, read);
        } catch (javax.net.ssl.SSLException refused) {
            // the server spoke TLS and refused: an alert, not a plain-text server's garbage
            assertTrue(refused.toString(), String.valueOf(refused.getMessage()).contains("alert"));
            System.out.println("DevClusterScriptIT: a stranger at node-1's Raft port: " + refused);
        } catch (java.net.SocketException closed) {
            // a TLS server that took the handshake and then closed on the missing certificate (a
            // plain-text server fails the handshake itself, above)
            assertTrue("the stranger's handshake completed before " + closed, handshaken);
            System.out.println("DevClusterScriptIT: a stranger at node-1's Raft port: " + closed);
        }
    }

    /**
     * Writes a command to node {@code i}'s shell, through its FIFO opened for reading and writing so
     * that the test never blocks on a FIFO nobody reads.
     */
    private void shell(int i, String command) throws IOException {
        try (java.io.RandomAccessFile fifo = new java.io.RandomAccessFile(dir.resolve("node-" + i + "/shell.in").toFile(), "rw")) {
            fifo.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Runs bin/fos-cluster with the test's environment; fails if it does not end in time or fails. */
    private String script(Duration limit, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(NodeProcess.distribution().resolve("bin/fos-cluster").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "script-", ".out");
        Process p = pb.redirectOutput(out.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fos-cluster " + String.join(" ", args) + " did not end within " + limit + ": " + Files.readString(out));
        }
        String text = Files.readString(out);
        assertEquals("fos-cluster " + String.join(" ", args) + ": " + text, 0, p.exitValue());
        return text;
    }

    /** The processes (not zombies) whose command line names the folder: "pid args" lines. */
    private static List<String> processesOf(Path folder) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ps", "-eo", "pid=,stat=,args=").redirectErrorStream(true).start();
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(1, TimeUnit.MINUTES);
        List<String> out = new ArrayList<>();
        for (String line : all.split("\n")) {
            String[] f = line.strip().split("\\s+", 3);
            if (f.length == 3 && !f[1].startsWith("Z") && f[2].contains(folder.toString()) && !f[2].startsWith("ps ")) {
                out.add(f[0] + " " + f[2]);
            }
        }
        return out;
    }

    private static String ps(long pid, String format) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ps", "-o", format, "-p", Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        return out;
    }

    private static void kill(String signal, String pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", signal, pid).inheritIO().start().waitFor(1, TimeUnit.MINUTES);
    }

    /** The first of {@code count} consecutive ports free on 127.0.0.1, below the range of outgoing connections. */
    private static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    ServerSocket s = new ServerSocket();
                    held.add(s);
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), first + i), 1);
                }
                return first;
            } catch (IOException busy) {
                // try others
            } finally {
                for (ServerSocket s : held) {
                    s.close();
                }
            }
        }
        throw new IOException("no " + count + " consecutive free ports");
    }
}
