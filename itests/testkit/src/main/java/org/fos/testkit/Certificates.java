package org.fos.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority for TLS between test nodes, made with the distribution's
 * {@code bin/fos-certs} (so the tests make certificates as users do).
 */
public final class Certificates {
    private final Path dir;

    private Certificates(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes a CA in a folder, or takes the one already there.
     *
     * @param dir the folder
     * @return the CA
     * @throws IOException if {@code fos-certs} fails
     */
    public static Certificates authority(Path dir) throws IOException {
        if (!Files.exists(dir.resolve("ca.p12"))) {
            run("ca", dir.toString());
        }
        return new Certificates(dir);
    }

    /**
     * Makes (or takes) a node's key store signed by this CA.
     *
     * @param nodeId the node id its certificate names
     * @return the node's transport settings ({@code tls}, {@code keyStore}, {@code trustStore} and their passwords)
     * @throws IOException if {@code fos-certs} fails
     */
    public Map<String, String> node(String nodeId) throws IOException {
        if (!Files.exists(dir.resolve(nodeId + ".p12"))) {
            run("node", dir.toString(), nodeId);
        }
        String password = Files.readString(dir.resolve("password")).strip();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("tls", "true");
        settings.put("keyStore", dir.resolve(nodeId + ".p12").toAbsolutePath().toString());
        settings.put("keyStorePassword", password);
        settings.put("trustStore", dir.resolve("trust.p12").toAbsolutePath().toString());
        settings.put("trustStorePassword", password);
        return settings;
    }

    private static void run(String... args) throws IOException {
        Path script = NodeProcess.distribution().resolve("bin/fos-certs");
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("fos-certs " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fos-certs ran", e);
        }
    }
}
