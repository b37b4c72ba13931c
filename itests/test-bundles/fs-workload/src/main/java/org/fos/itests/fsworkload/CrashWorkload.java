package org.fos.itests.fsworkload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.apache.felix.service.command.Descriptor;
import org.fos.fs.api.FosFiles;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * A workload for crash tests, run inside a node: a thread writes files of random bytes into a fos
 * directory, forces each to the device (fsync) and only then appends its name, size and SHA-256 to
 * a log on the host's own file system (forced too). Between two fsynced files it scribbles on
 * scratch files it never forces, so that a kill lands in the middle of journal and data writes.
 * After a restart, {@code workload:verify} checks every logged file byte for byte.
 */
@Component(service = CrashWorkload.class, immediate = true, property = {"osgi.command.scope=workload", "osgi.command.function=start",
        "osgi.command.function=halt", "osgi.command.function=verify"})
public final class CrashWorkload {
    private final FosFiles files;
    private volatile Thread worker;
    private volatile boolean running;

    /**
     * Creates the workload.
     *
     * @param files the fos file systems
     */
    @Activate
    public CrashWorkload(@Reference FosFiles files) {
        this.files = files;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        halt();
    }

    /**
     * Starts writing.
     *
     * @param dir the fos directory to write into, created if missing
     * @param log the host file that lists the fsynced files
     * @return what started
     * @throws IOException if the directory cannot be made
     */
    @Descriptor("write and fsync files into a fos directory, logging each fsynced file to a host file")
    public String start(@Descriptor("the fos directory") String dir, @Descriptor("the host log file") String log) throws IOException {
        if (worker != null) {
            throw new IllegalStateException("the workload runs already");
        }
        Path target = files.path(dir);
        Files.createDirectories(target.resolve("scratch"));
        Path hostLog = Paths.get(log);
        running = true;
        worker = new Thread(() -> run(target, hostLog), "crash-workload");
        worker.setDaemon(true);
        worker.start();
        return "writing into " + target + ", logging to " + hostLog;
    }

    /**
     * Stops writing.
     *
     * @return what stopped
     * @throws InterruptedException if interrupted while waiting for the thread
     */
    @Descriptor("stop writing")
    public String halt() throws InterruptedException {
        running = false;
        Thread w = worker;
        worker = null;
        if (w != null) {
            w.join(30_000);
        }
        return "stopped";
    }

    private void run(Path dir, Path hostLog) {
        Random random = new Random(dir.toString().hashCode());
        try (FileChannel logChannel = FileChannel.open(hostLog, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int i = 0; running; i++) {
                byte[] content = new byte[1 + random.nextInt(200_000)];
                random.nextBytes(content);
                Path file = dir.resolve("f" + i);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(content));
                    ch.force(true);
                }
                String line = file + " " + content.length + " " + sha256(content) + "\n";
                logChannel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
                logChannel.force(true);
                scribble(dir.resolve("scratch"), random, i);
            }
        } catch (IOException | RuntimeException e) {
            running = false;
            System.err.println("crash workload stopped: " + e);
        }
    }

    /** Unsynced churn: make, grow, rename and remove scratch files. */
    private static void scribble(Path scratch, Random random, int i) throws IOException {
        Path a = scratch.resolve("s" + (i % 7));
        byte[] junk = new byte[random.nextInt(50_000)];
        random.nextBytes(junk);
        Files.write(a, junk, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (i % 3 == 0) {
            Files.move(a, scratch.resolve("moved-" + i));
        }
        if (i % 5 == 0) {
            try (var s = Files.list(scratch)) {
                for (Path p : s.toList()) {
                    if (p.getFileName().toString().startsWith("moved-")) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /**
     * Checks every file a log lists.
     *
     * @param log the host log file
     * @return how many files were checked
     * @throws IOException if the log cannot be read
     */
    @Descriptor("check every file a host log lists: present, same size, same SHA-256")
    public String verify(@Descriptor("the host log file") String log) throws IOException {
        List<String> bad = new ArrayList<>();
        int checked = 0;
        String text = Files.readString(Paths.get(log));
        for (String line : text.split("\n", -1)) {
            String[] parts = line.split(" ");
            if (parts.length != 3) {
                continue;
            }
            checked++;
            Path file = files.path(parts[0]);
            try {
                byte[] content = Files.readAllBytes(file);
                if (content.length != Integer.parseInt(parts[1]) || !sha256(content).equals(parts[2])) {
                    bad.add(parts[0] + " has " + content.length + " bytes with SHA-256 " + sha256(content) + ", logged " + parts[1] + " and "
                            + parts[2]);
                }
            } catch (NoSuchFileException e) {
                bad.add(parts[0] + " is missing");
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalStateException(bad.size() + " of " + checked + " fsynced files are damaged or missing: " + bad);
        }
        return "verified " + checked + " fsynced files";
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
