package org.fos.fs.client.commands;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fs:mount}, {@code fs:umount}, {@code fs:mounts}: this node's file system mounted into the
 * host through FUSE. Each mount is a {@code bin/fos-mount} process of the distribution (a plain JVM
 * with the client and jnr-fuse) given this node's client ticket; the command waits until the kernel
 * lists the mount, or says why the process ended. Mounts end with the bundle.
 *
 * <p>Immediate: the shell gets a command's service for each command and gives it back afterwards, and a
 * delayed component would be deactivated then, unmounting what the command had just mounted.
 */
@Component(service = MountCommands.class, immediate = true, property = {
        "osgi.command.scope=fs",
        "osgi.command.function=mount",
        "osgi.command.function=umount",
        "osgi.command.function=mounts"})
public final class MountCommands {
    private static final Logger LOG = LoggerFactory.getLogger(MountCommands.class);
    private static final Duration READY = Duration.ofSeconds(60);

    private final Map<Path, Mount> mounts = new ConcurrentHashMap<>();

    /** A mount this node made: the fos-mount process serving it and the file its output goes to. */
    private record Mount(Process process, Path log) {
    }

    /** Creates the commands. */
    public MountCommands() {
    }

    private static Path home() {
        String home = System.getProperty("fos.home");
        if (home == null) {
            throw new IllegalStateException("fos.home is not set: fs:mount runs on a node started by bin/fos");
        }
        return Path.of(home);
    }

    private static Path ticket() {
        return Path.of(System.getProperty("fos.base", System.getProperty("fos.home", "."))).resolve("data/client.ticket");
    }

    /**
     * Mounts this node's file system at a folder of the host.
     *
     * @param mountPoint an existing, empty folder
     * @return what was mounted, and the process that serves it
     * @throws IOException if the mount process cannot be started
     */
    @Descriptor("mount this node's file system /sys/fs at a folder of the host through FUSE (bin/fos-mount)")
    public String mount(@Descriptor("an existing folder of the host, such as /mnt/fos") String mountPoint) throws IOException {
        if (mountPoint == null || mountPoint.isBlank()) {
            throw new IllegalArgumentException("a mount point is missing: fs:mount /mnt/fos");
        }
        Path at = Path.of(mountPoint).toAbsolutePath().normalize();
        if (!Files.isDirectory(at)) {
            throw new IllegalArgumentException(at + " is not a folder of the host");
        }
        if (mounted(at)) {
            throw new IllegalArgumentException(at + " is a mount point already");
        }
        Path script = home().resolve("bin/fos-mount");
        Path ticket = ticket();
        if (!Files.exists(ticket)) {
            throw new IllegalStateException("this node keeps no client ticket at " + ticket + " (the TCP transport's clientTicket)");
        }
        Path log = Files.createTempFile("fos-mount-", ".log");
        Process p = new ProcessBuilder(script.toString(), ticket.toString(), at.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + READY.toNanos();
        while (!mounted(at)) {
            if (!p.isAlive()) {
                String out = Files.readString(log, StandardCharsets.UTF_8).strip();
                Files.deleteIfExists(log);
                throw new IllegalStateException("fos-mount ended with " + p.exitValue() + ": " + out);
            }
            if (System.nanoTime() - deadline > 0) {
                p.destroy();
                throw new IllegalStateException("the kernel did not list " + at + " as mounted within " + READY.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        mounts.put(at, new Mount(p, log));
        LOG.info("mounted /sys/fs at {} (fos-mount process {}, log {})", at, p.pid(), log);
        return "mounted /sys/fs at " + at + " (process " + p.pid() + ", log " + log + ")";
    }

    /**
     * Unmounts a mount this node made.
     *
     * @param mountPoint the folder
     * @return what was unmounted; if fos-mount did not end cleanly, its exit value and the log it leaves
     * @throws IOException if fusermount cannot be run
     * @throws InterruptedException if interrupted while waiting
     */
    @Descriptor("unmount a mount fs:mount made")
    public String umount(@Descriptor("the mount point") String mountPoint) throws IOException, InterruptedException {
        Path at = Path.of(mountPoint).toAbsolutePath().normalize();
        Mount m = mounts.remove(at);
        if (m == null) {
            throw new IllegalArgumentException(at + " is not a mount of this node; its mounts are " + mounts.keySet());
        }
        String unclean = unmount(at, m);
        return "unmounted " + at + (unclean == null ? "" : "; " + unclean);
    }

    /**
     * Lists this node's mounts.
     *
     * @return one line a mount: the folder, the process, whether it ended, its log
     */
    @Descriptor("list the mounts fs:mount made")
    public List<String> mounts() {
        List<String> out = new ArrayList<>();
        mounts.forEach((at, m) -> out.add(at + " (process " + m.process().pid() + (m.process().isAlive() ? "" : ", ended")
                + ", log " + m.log() + ")"));
        return out;
    }

    /**
     * Unmounts and waits for fos-mount to end; deletes its log if it ended cleanly (exit value 0).
     *
     * @return null if it ended cleanly, else its exit value and the log it leaves
     */
    private static String unmount(Path at, Mount m) throws IOException, InterruptedException {
        Process p = m.process();
        Process u = new ProcessBuilder("fusermount", "-u", at.toString()).redirectErrorStream(true).start();
        if (!u.waitFor(30, TimeUnit.SECONDS) || u.exitValue() != 0) {
            p.destroy();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (!p.isAlive() && p.exitValue() == 0) {
            Files.deleteIfExists(m.log());
            return null;
        }
        return "fos-mount ended " + (p.isAlive() ? "not yet" : "with " + p.exitValue()) + ", its output is in " + m.log();
    }

    /** Whether the kernel lists a folder as a mount point. */
    static boolean mounted(Path at) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].replace("\\040", " ").equals(at.toString())) {
                return true;
            }
        }
        return false;
    }

    @Deactivate
    void deactivate() {
        mounts.forEach((at, m) -> {
            try {
                String unclean = unmount(at, m);
                if (unclean != null) {
                    LOG.warn("unmounted {} as the bundle stopped; {}", at, unclean);
                }
            } catch (IOException e) {
                LOG.warn("could not unmount {}: {}", at, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        mounts.clear();
    }
}
