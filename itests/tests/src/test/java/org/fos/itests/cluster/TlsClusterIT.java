package org.fos.itests.cluster;

import static org.fos.itests.cluster.ClusterSupport.COMMAND;
import static org.fos.itests.cluster.ClusterSupport.START;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.awaitility.Awaitility;
import org.fos.testkit.Certificates;
import org.fos.testkit.Cluster;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * TLS between nodes: node-a and node-b hold certificates from the cluster's CA and talk, on the
 * TCP transport and between their Raft servers (each key-value group has a replica on both); node-x
 * registers in the same ZooKeeper but its certificate comes from another CA, so no node exchanges
 * a message with it: it sees the names (ZooKeeper does not check certificates) but no route, and
 * its certificate opens no Raft connection either.
 */
public class TlsClusterIT {
    private static final String TCP = "org.fos.transport.tcp";
    private static Cluster cluster;
    private static NodeProcess a;
    private static NodeProcess b;
    private static NodeProcess x;

    @BeforeClass
    public static void startCluster() throws Exception {
        Certificates rogueCa = Certificates.authority(Path.of("target", "rogue-ca").toAbsolutePath());
        cluster = Cluster.builder("tls-it").nodes("node-a", "node-b", "node-x").tls()
                // node-x's certificate is signed by another CA
                .configure("node-x", n -> {
                    try {
                        n.config(TCP, rogueCa.node("node-x")).config(Cluster.REPLICATION_PID, rogueCa.node("node-x"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    n.config("org.fos.fleet", Map.of("excludedFleets", "/sys/kv,/sys/fs"));
                })
                .start();
        cluster.awaitMembers(START); // ZooKeeper does not check certificates: node-x is listed
        a = cluster.node("node-a");
        b = cluster.node("node-b");
        x = cluster.node("node-x");
        a.awaitNameMembers("/sys/kv", 4, START);
        // every group's two replicas elected a leader: their Raft servers talk through TLS
        ClusterSupport.awaitGroups(a, "/sys/kv", 8, 2);
    }

    @AfterClass
    public static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void nodesWithTheClustersCertificatesTalkOverTls() {
        assertEquals("true", a.executeMap("fos:transport tcp", COMMAND).get("tls"));
        a.executeOk("fos:call /sys/kv put tls:greeting hello", COMMAND);
        assertTrue(a.executeOk("fos:call /sys/kv get tls:greeting", COMMAND).startsWith("tls:greeting=hello"));
        assertTrue(b.executeMap("fos:transport tcp", COMMAND).get("peers").contains("node-a=connected"));
    }

    @Test
    public void aNodeWithoutTheClustersCaExchangesNoMessage() {
        Awaitility.await("node-b to refuse node-x's certificate").atMost(START)
                .until(() -> counter(b, "TLS_REFUSED") > 0);
        Awaitility.await("node-a to refuse node-x's certificate").atMost(START)
                .until(() -> counter(a, "TLS_REFUSED") > 0);
        String peers = b.executeMap("fos:transport tcp", COMMAND).get("peers");
        assertTrue(peers, peers.contains("node-x=not connected"));

        String refused = x.execute("fos:call -t 3000 /sys/kv put tls:rogue evil", COMMAND);
        System.out.println("TlsClusterIT: node-x calling /sys/kv: " + refused.strip());
        assertTrue("node-x sees the members but has no route to them: " + refused, refused.contains("refused: NO_ROUTE"));
        a.executeOk("fos:call /sys/kv put tls:after-x ok", COMMAND);
        String rogue = a.executeOk("fos:call /sys/kv get tls:rogue", COMMAND);
        assertTrue("node-x wrote nothing: " + rogue, rogue.contains("null") || rogue.isBlank() || rogue.contains("no entry"));
        long delivered = Long.parseLong(counters(b).replaceAll("(?s).*\\bdelivered=(\\d+).*", "$1"));
        assertTrue("node-b delivered messages from node-a", delivered > 0);
    }

    @Test
    public void aRaftServerTakesNoConnectionWithoutACertificateOfTheClustersCa() throws Exception {
        assertEquals("true", a.executeMap("fos:replication", COMMAND).get("tls"));
        int raft = cluster.ports("node-a").replication();
        Certificates rogueCa = Certificates.authority(Path.of("target", "rogue-ca").toAbsolutePath());
        Map<String, String> rogue = rogueCa.node("node-x");
        char[] password = rogue.get("keyStorePassword").toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(rogue.get("keyStore")))) {
            keys.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        TrustManager anyServer = ClusterSupport.trustEverything();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), new TrustManager[] {anyServer}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", raft)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout((int) COMMAND.toMillis());
            socket.startHandshake();
            // TLS 1.3 tells a client that its certificate was refused at its first read
            int read = socket.getInputStream().read();
            assertEquals("node-a's Raft server answered a client whose certificate is not of the cluster's CA", -1, read);
        } catch (SSLException | java.net.SocketException refused) {
            System.out.println("TlsClusterIT: node-a's Raft server refused node-x's certificate: " + refused);
        }
    }

    private static String counters(NodeProcess n) {
        return n.executeMap("fos:transport tcp", COMMAND).get("counters");
    }

    private static long counter(NodeProcess n, String fault) {
        var m = Pattern.compile("fault\\." + fault + "=(\\d+)").matcher(counters(n));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
