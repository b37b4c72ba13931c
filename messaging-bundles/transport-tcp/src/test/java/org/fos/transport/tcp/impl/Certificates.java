package org.fos.transport.tcp.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes certificate authorities and node certificates for tests with the running JDK's
 * {@code keytool}, in a folder under {@code target/}. Files that exist are reused, so a build makes
 * them once.
 */
final class Certificates {
    static final String PASSWORD = "changeit";

    private final Path dir;

    Certificates(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path dir() {
        return dir;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    /** A CA: its key store {@code <name>.p12} and its certificate {@code <name>.pem}; returns the certificate. */
    Path authority(String name) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        Path pem = dir.resolve(name + ".pem");
        if (!Files.exists(pem)) {
            Files.deleteIfExists(store);
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                    "-ext", "bc:c", "-validity", "30", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            keytool("-exportcert", "-alias", "ca", "-rfc", "-file", pem.toString(), "-keystore", store.toString(),
                    "-storepass", PASSWORD);
        }
        return pem;
    }

    /** A trust store {@code trust-<ca>.p12} holding one CA's certificate. */
    Path trustStore(String ca) throws IOException, InterruptedException {
        Path pem = authority(ca);
        Path store = dir.resolve("trust-" + ca + ".p12");
        if (!Files.exists(store)) {
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", pem.toString(), "-keystore", store.toString(),
                    "-storetype", "PKCS12", "-storepass", PASSWORD);
        }
        return store;
    }

    /** A node's key store {@code <node>-by-<ca>.p12}: its key and a certificate for CN=node signed by the CA. */
    Path node(String node, String ca) throws IOException, InterruptedException {
        Path caPem = authority(ca);
        Path store = dir.resolve(node + "-by-" + ca + ".p12");
        if (Files.exists(store)) {
            return store;
        }
        Path tmp = dir.resolve(node + "-by-" + ca + ".tmp.p12");
        Path csr = dir.resolve(node + "-by-" + ca + ".csr");
        Path pem = dir.resolve(node + "-by-" + ca + ".pem");
        Files.deleteIfExists(tmp);
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + node,
                "-validity", "30", "-keystore", tmp.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "node", "-file", csr.toString(), "-keystore", tmp.toString(), "-storepass", PASSWORD);
        keytool("-gencert", "-alias", "ca", "-infile", csr.toString(), "-outfile", pem.toString(), "-rfc", "-validity", "30",
                "-ext", "san=dns:" + node, "-ext", "eku=serverAuth,clientAuth",
                "-keystore", dir.resolve(ca + ".p12").toString(), "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", tmp.toString(),
                "-storepass", PASSWORD);
        keytool("-importcert", "-alias", "node", "-file", pem.toString(), "-keystore", tmp.toString(), "-storepass", PASSWORD);
        Files.move(tmp, store);
        return store;
    }

    /** TLS settings for a node with a key store and a trust store. */
    static TransportSettings.Tls tls(Path keyStore, Path trustStore) {
        return new TransportSettings.Tls(keyStore.toString(), PASSWORD.toCharArray(), "PKCS12", trustStore.toString(),
                PASSWORD.toCharArray(), "PKCS12");
    }
}
