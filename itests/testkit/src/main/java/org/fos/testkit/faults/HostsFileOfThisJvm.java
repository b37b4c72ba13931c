package org.fos.testkit.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.runner.Description;
import org.junit.runner.notification.RunListener;

/**
 * Gives a test JVM started with {@code -Djdk.net.hosts.file=<file>} that file: before the tests it
 * writes the system's hosts there ({@link FaultyNetwork#systemHosts()}), so that the JVM resolves
 * names as the system does (but for DNS, which a JVM with a hosts file never asks) until a test that
 * is a participant of a {@link FaultyNetwork} writes the participant's view over it. The JDK reads
 * that file at every lookup, not once, which is what lets a test change it. Name it as the failsafe
 * plugin's {@code listener}, with a file of its own for each fork ({@code ${surefire.forkNumber}}):
 * the itests pom does, so that a test whose JVM is a participant runs in any fork beside the others.
 * Without the property it does nothing.
 */
public final class HostsFileOfThisJvm extends RunListener {

    /**
     * Writes the system's hosts into this JVM's hosts file, if it has one.
     *
     * @param description the tests to run
     */
    @Override
    public void testRunStarted(Description description) {
        String file = System.getProperty("jdk.net.hosts.file");
        if (file == null) {
            return;
        }
        try {
            Path path = Path.of(file);
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, FaultyNetwork.systemHosts(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write this JVM's hosts file " + file, e);
        }
    }
}
