package org.fos.itests.client;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.awaitility.Awaitility;
import org.fos.client.FosClient;
import org.fos.kv.api.Entry;
import org.fos.kv.api.KeyValue;
import org.fos.testkit.Certificates;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A plain JVM (this test's own, no OSGi in it) reaches a node process through the node's client
 * ticket: files through {@code java.nio.file.Files} on the node's file-system fleet, the key-value
 * fleet through a typed proxy; what it writes the node's shell sees, and a stop or a kill -9 of the
 * node does not lose. Bad and stale tickets fail with a clear error and leave the node serving.
 */
public class PlainJvmClientIT {
    private static final Duration START = Duration.ofMinutes(5);
    private static final Duration COMMAND = Duration.ofMinutes(1);

    private static NodeProcess node;
    private static Path ticket;

    /** Where the tests put tickets of their own making. */
    @Rule
    public TemporaryFolder tickets = new TemporaryFolder();

    @BeforeClass
    public static void startNode() throws IOException {
        node = NodeProcess.builder("plain-1").base(Paths.get("target/plain-client-node")).jvmOption("-Xmx256m").start();
        node.awaitReady(START);
        ticket = node.dataDir().resolve("client.ticket");
        Awaitility.await("the node's client ticket").atMost(START).until(() -> Files.exists(ticket));
    }

    @AfterClass
    public static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    public void filesThroughJavaNioFromAPlainJvm() throws Exception {
        try (FosClient client = FosClient.connect(ticket)) {
            assertEquals("plain-1", client.node());
            FileSystem fs = client.fileSystem();
            Path dir = Files.createDirectories(fs.getPath("/plain/tree/deeper"));
            Path note = fs.getPath("/plain/note.txt");
            Files.writeString(note, "written by " + client.clientId());

            byte[] data = new byte[3 << 20];
            new Random(42).nextBytes(data);
            Path big = dir.resolve("random.bin");
            try (OutputStream out = Files.newOutputStream(big)) {
                for (int off = 0; off < data.length; off += 100_000) {
                    out.write(data, off, Math.min(100_000, data.length - off));
                }
            }
            assertEquals(data.length, Files.size(big));
            byte[] back;
            try (InputStream in = Files.newInputStream(big)) {
                back = in.readAllBytes();
            }
            assertArrayEquals(sha256(data), sha256(back));

            Path moved = fs.getPath("/plain/tree/random.bin");
            Files.move(big, moved);
            assertFalse(Files.exists(big));
            assertEquals(List.of("deeper", "random.bin"), names(fs.getPath("/plain/tree")));
            assertEquals("written by " + client.clientId(), node.executeOk("fs:cat /plain/note.txt", COMMAND).trim());

            assertThrows(NoSuchFileException.class, () -> Files.readString(fs.getPath("/plain/none.txt")));
            assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(dir));
            assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(fs.getPath("/plain/tree")));
            assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(note).close());

            Files.delete(moved);
            Files.delete(dir);
            assertEquals(List.of(), names(fs.getPath("/plain/tree")));
        }
        assertTrue(node.executeOk("fs:fsck", COMMAND), node.executeOk("fs:fsck", COMMAND).contains("clean=true"));
    }

    @Test
    public void pathOfAFosUriFindsTheProviderThroughServiceLoader() throws Exception {
        System.setProperty("fos.client.ticket", ticket.toString());
        Path viaUri = Path.of(java.net.URI.create("fos:/plain/via-uri.txt"));
        Files.createDirectories(viaUri.getParent());
        Files.writeString(viaUri, "found through ServiceLoader");
        assertEquals("fos", viaUri.getFileSystem().provider().getScheme());
        assertEquals("found through ServiceLoader", node.executeOk("fs:cat /plain/via-uri.txt", COMMAND).trim());
        Files.delete(viaUri);
    }

    @Test
    public void keyValueFleetThroughATypedProxy() throws Exception {
        try (FosClient client = FosClient.connect(ticket)) {
            KeyValue kv = client.fleet(KeyValue.class, KeyValue.NAME);
            kv.put("plain:greeting", "hello from outside".getBytes(StandardCharsets.UTF_8));
            Entry e = kv.get("plain:greeting");
            assertEquals("hello from outside", new String(e.value(), StandardCharsets.UTF_8));
            assertTrue(node.executeOk("fos:call /sys/kv get plain:greeting", COMMAND).contains("hello from outside"));
        }
    }

    @Test
    public void badTicketsFailClearlyAndTheNodeKeepsServing() throws Exception {
        Path dir = tickets.getRoot().toPath();
        String good = Files.readString(ticket);

        IOException missing = assertThrows(IOException.class, () -> FosClient.connect(dir.resolve("none.ticket")));
        assertTrue(missing.toString(), missing instanceof NoSuchFileException);

        Path garbled = Files.writeString(dir.resolve("garbled.ticket"), good.replaceAll("names.token=\\w+", "names.token=xyz"));
        IOException bad = assertThrows(IOException.class, () -> FosClient.connect(garbled));
        assertTrue(bad.getMessage(), bad.getMessage().contains("names.token must be 32 hexadecimal digits"));

        long forgedBefore = forged();
        Path forged = Files.writeString(dir.resolve("forged.ticket"),
                good.replaceAll("names.token=\\w+", "names.token=" + "0123456789abcdef".repeat(2)));
        IOException refused = assertThrows(IOException.class,
                () -> FosClient.builder(forged).connectTimeout(Duration.ofSeconds(2)).connect());
        assertTrue(refused.getMessage(), refused.getMessage().contains("did not answer through the ticket's naming capability"));
        Awaitility.await("the node counts the forged capability").atMost(COMMAND).until(() -> forged() > forgedBefore);

        Path otherCluster = Files.writeString(dir.resolve("cluster.ticket"), good.replaceAll("cluster=\\w+", "cluster=elsewhere"));
        // told at once by the node (a REFUSE frame), not after the connect timeout
        IOException notTaken = assertThrows(IOException.class,
                () -> FosClient.builder(otherCluster).connectTimeout(Duration.ofSeconds(60)).connect());
        assertTrue(notTaken.getMessage(), notTaken.getMessage().contains("refused the client")
                && notTaken.getMessage().contains("WRONG_CLUSTER"));

        Path tls = Files.writeString(dir.resolve("tls.ticket"), good.replace("tls=false", "tls=true"));
        IOException noKeys = assertThrows(IOException.class, () -> FosClient.connect(tls));
        assertTrue(noKeys.getMessage(), noKeys.getMessage().contains("speaks TLS"));

        try (FosClient client = FosClient.connect(ticket)) {
            assertTrue(Files.isDirectory(client.fileSystem().getPath("/")));
        }
    }

    /**
     * The single-node default keeps /sys/kv on disk (its Raft groups of one under data/raft): every
     * acknowledged write is read back after {@code stop 0} and a start, and after kill -9 and a start.
     */
    @Test
    public void keyValueWritesSurviveAStopAndAKillOfTheNode() throws Exception {
        int keys = 300;
        writeKeys("durable:stop:", keys);
        assertEquals(0, node.stop(COMMAND));
        startAgain();
        assertEquals(keys, readKeys("durable:stop:", keys));
        writeKeys("durable:kill:", keys);
        node.kill();
        startAgain();
        assertEquals(keys, readKeys("durable:stop:", keys));
        assertEquals(keys, readKeys("durable:kill:", keys));
    }

    private static void writeKeys(String prefix, int keys) throws IOException {
        try (FosClient client = FosClient.connect(ticket)) {
            KeyValue kv = client.fleet(KeyValue.class, KeyValue.NAME);
            for (int i = 0; i < keys; i++) {
                kv.put(prefix + i, ("value " + i).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Reads the keys back and returns how many hold what was written. */
    private static int readKeys(String prefix, int keys) throws IOException {
        try (FosClient client = FosClient.connect(ticket)) {
            KeyValue kv = client.fleet(KeyValue.class, KeyValue.NAME);
            int found = 0;
            for (int i = 0; i < keys; i++) {
                Entry e = kv.get(prefix + i);
                if (e != null && new String(e.value(), StandardCharsets.UTF_8).equals("value " + i)) {
                    found++;
                }
            }
            return found;
        }
    }

    private static void startAgain() throws IOException {
        Files.deleteIfExists(ticket); // a killed node leaves its ticket behind; the start writes a new one
        node.start();
        node.awaitReady(START);
        Awaitility.await("the new client ticket").atMost(START).until(() -> Files.exists(ticket));
        Awaitility.await("/sys/kv serving again").atMost(START).ignoreExceptions()
                .until(() -> node.executeOk("fos:call /sys/kv get durable:probe", COMMAND) != null);
    }

    /**
     * A client follows its node's restart (ADR 0114): the node killed with kill -9 and started again
     * writes a new ticket, the client connects again with it, and the fleet proxy and the file system it
     * handed out before work on, with what was written before the kill; so does a channel opened before
     * (an open file is named by its inode and generation, which the file system keeps). A change made on
     * the node's shell afterwards is seen at once, though the client caches attributes under leases again.
     */
    @Test
    public void aClientFollowsItsNodesRestartAndWhatItHandedOutWorksOn() throws Exception {
        try (FosClient client = FosClient.connect(ticket)) {
            KeyValue kv = client.fleet(KeyValue.class, KeyValue.NAME);
            Path file = client.fileSystem().getPath("/plain/follow.txt");
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap("before the kill".getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            kv.put("plain:follow", "before the kill".getBytes(StandardCharsets.UTF_8));
            FileChannel openBefore = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);

            long killed = System.nanoTime();
            node.kill();
            startAgain();
            long serving = System.nanoTime();
            Awaitility.await("the client connected again with the node's new ticket").atMost(START)
                    .until(() -> client.reconnects() == 1);
            System.out.printf("PlainJvmClientIT: the client connected again %d ms after the kill -9, %d ms after the node served"
                    + " again%n", (System.nanoTime() - killed) / 1_000_000, (System.nanoTime() - serving) / 1_000_000);
            assertEquals("before the kill", Files.readString(file));
            assertEquals("before the kill", new String(kv.get("plain:follow").value(), StandardCharsets.UTF_8));
            try (FileChannel channel = openBefore) {
                ByteBuffer read = ByteBuffer.allocate(64);
                channel.read(read, 0);
                assertEquals("before the kill", new String(read.array(), 0, read.position(), StandardCharsets.UTF_8));
                channel.write(ByteBuffer.wrap("BEFORE".getBytes(StandardCharsets.UTF_8)), 0);
            }
            assertEquals("a channel opened before the kill reads and writes on", "BEFORE the kill", Files.readString(file));

            assertEquals(15, Files.size(file)); // its attributes are now in the client's cache, under a lease
            node.executeOk("fs:write /plain/follow.txt changed", COMMAND);
            assertEquals("the size after the node's change", 7, Files.size(file));
            assertEquals("changed", Files.readString(file));
            Files.writeString(file, "after the restart");
            assertEquals("after the restart", node.executeOk("fs:cat /plain/follow.txt", COMMAND).trim());
            Files.delete(file);
        }
    }

    @Test
    public void aTicketFromBeforeARestartIsRefusedAndTheNewOneWorks() throws Exception {
        Path old = Files.copy(ticket, tickets.getRoot().toPath().resolve("old.ticket"));
        FosClient before = FosClient.connect(ticket);
        Path there = before.fileSystem().getPath("/before-restart.txt");
        Files.writeString(there, "x");
        assertEquals(0, node.stop(COMMAND));
        // a call to a node that went away fails once the connection is down, not after the 60 s call timeout
        long t0 = System.nanoTime();
        IOException down = assertThrows(IOException.class, () -> Files.readString(there));
        System.out.printf("PlainJvmClientIT: a call to a stopped node failed after %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000,
                down.getMessage());
        assertTrue(down.getMessage(), down.getMessage().contains("cannot be reached"));
        before.close();
        assertFalse("a node that stopped removes its ticket", Files.exists(ticket));
        node.restart().awaitReady(START);
        Awaitility.await("the new client ticket").atMost(START).until(() -> Files.exists(ticket));

        // the node listens on a new port (port=0 in the distribution): the old ticket dials the old one
        IOException gone = assertThrows(IOException.class, () -> FosClient.builder(old).connectTimeout(Duration.ofSeconds(2)).connect());
        assertTrue(gone.getMessage(), gone.getMessage().contains("is the ticket current"));
        // a node on a fixed port: the connection is taken, the old capability is not
        String fresh = Files.readString(ticket);
        String endpoint = fresh.lines().filter(l -> l.startsWith("endpoint=")).findFirst().orElseThrow();
        Files.writeString(old, Files.readString(old).replaceAll("(?m)^endpoint=.*$", java.util.regex.Matcher.quoteReplacement(endpoint)));
        IOException stale = assertThrows(IOException.class, () -> FosClient.builder(old).connectTimeout(Duration.ofSeconds(2)).connect());
        assertTrue(stale.getMessage(), stale.getMessage().contains("the ticket may be from before the node restarted"));
        try (FosClient client = FosClient.connect(ticket)) {
            Path file = client.fileSystem().getPath("/after-restart.txt");
            Files.writeString(file, "still here");
            assertEquals("still here", Files.readString(file));
            Files.delete(file);
        }
    }

    @Test
    public void aNodeWithTlsTakesAClientWhoseCertificateComesFromItsCa() throws Exception {
        Path certs = tickets.newFolder("certs").toPath();
        Certificates ca = Certificates.authority(certs);
        Path base = Paths.get("target/plain-client-tls-node").toAbsolutePath();
        // the testkit writes the transport's whole configuration: TLS, and where the ticket goes
        try (NodeProcess secure = NodeProcess.builder("plain-tls").base(base).jvmOption("-Xmx256m")
                .config("org.fos.transport.tcp", ca.node("plain-tls"))
                .config("org.fos.transport.tcp", Map.of("clientTicket", base.resolve("data/client.ticket").toString())).start()) {
            secure.awaitReady(START);
            Path secureTicket = secure.dataDir().resolve("client.ticket");
            Awaitility.await("the TLS node's client ticket").atMost(START).until(() -> Files.exists(secureTicket));

            IOException plain = assertThrows(IOException.class, () -> FosClient.connect(secureTicket));
            assertTrue(plain.getMessage(), plain.getMessage().contains("speaks TLS"));

            Map<String, String> mine = ca.node("client-reports");
            char[] password = mine.get("keyStorePassword").toCharArray();
            Path keyStore = Paths.get(mine.get("keyStore"));
            Path trustStore = Paths.get(mine.get("trustStore"));
            IOException otherName = assertThrows(IOException.class, () -> FosClient.builder(secureTicket).clientId("client-other")
                    .tls(keyStore, password, trustStore, password).connectTimeout(Duration.ofSeconds(60)).connect());
            assertTrue(otherName.getMessage(), otherName.getMessage().contains("refused the client")
                    && otherName.getMessage().contains("CERTIFICATE_MISMATCH"));

            // a certificate from another CA: the TLS handshake fails, and the client says so at once
            Map<String, String> stranger = Certificates.authority(tickets.newFolder("other-ca").toPath()).node("client-reports");
            char[] strangerPassword = stranger.get("keyStorePassword").toCharArray();
            IOException otherCa = assertThrows(IOException.class, () -> FosClient.builder(secureTicket).clientId("client-reports")
                    .tls(Paths.get(stranger.get("keyStore")), strangerPassword, trustStore, password)
                    .connectTimeout(Duration.ofSeconds(60)).connect());
            assertTrue(otherCa.getMessage(), otherCa.getMessage().contains("refused the client")
                    && otherCa.getMessage().contains("TLS_REFUSED"));

            try (FosClient client = FosClient.builder(secureTicket).clientId("client-reports").tls(keyStore, password, trustStore, password)
                    .connect()) {
                Path file = client.fileSystem().getPath("/over-tls.txt");
                Files.writeString(file, "sealed");
                assertEquals("sealed", secure.executeOk("fs:cat /over-tls.txt", COMMAND).trim());
            }
        }
    }

    private static long forged() {
        String stat = node.executeMap("fos:stat", COMMAND).get("rejectedForged");
        return stat == null ? -1 : Long.parseLong(stat.trim());
    }

    private static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
