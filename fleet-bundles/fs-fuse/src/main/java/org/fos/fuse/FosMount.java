package org.fos.fuse;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.fos.client.FosClient;
import org.fos.fs.api.FileSystemFleet;

/**
 * {@code bin/fos-mount <ticket> <mountpoint> [fleet]}: mounts a node's file system into the host
 * through FUSE, so that host programs use it, and keeps it mounted until the process is stopped
 * (SIGINT, SIGTERM: it unmounts then) or the mount is undone ({@code fusermount -u}). The mount is
 * made with {@code default_permissions} (the kernel checks permissions against the files' owners and
 * modes), {@code attr_timeout=0} (attributes are asked each time; names are cached for libfuse's
 * default second) and, when root mounts, {@code allow_other}.
 */
public final class FosMount {
    private FosMount() {
    }

    /**
     * Says why a mount cannot be made on this machine: for clear errors, and for tests that must skip.
     *
     * @return the reason, or null if a mount can be made
     */
    public static String unavailable() {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return "FUSE is not available: /dev/fuse is missing (load the fuse kernel module, or give the container the device)";
        }
        if (!Files.isReadable(Path.of("/dev/fuse")) || !Files.isWritable(Path.of("/dev/fuse"))) {
            return "FUSE is not available: /dev/fuse cannot be opened by this user";
        }
        if (findOnPath("fusermount") == null) {
            return "FUSE is not available: fusermount is not on the PATH (on Debian: apt-get install fuse)";
        }
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64",
                "/usr/lib", "/lib")) {
            if (Files.exists(Path.of(dir, "libfuse.so.2"))) {
                return null;
            }
        }
        return "FUSE is not available: libfuse.so.2 is missing (on Debian: apt-get install fuse libfuse2)";
    }

    private static Path findOnPath(String program) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Mounts and blocks until unmounted.
     *
     * @param args the ticket, the mount point, and optionally the fleet (default {@value FileSystemFleet#NAME})
     */
    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) {
        if (args.length < 2 || args.length > 3) {
            err.println("usage: fos-mount <client ticket> <mount point> [file-system fleet, default /sys/fs]");
            return 2;
        }
        Path ticket = Path.of(args[0]);
        Path mountPoint = Path.of(args[1]).toAbsolutePath().normalize();
        String fleet = args.length == 3 ? args[2] : FileSystemFleet.NAME;
        String why = unavailable();
        if (why != null) {
            err.println("fos-mount: " + why);
            return 3;
        }
        if (!Files.isDirectory(mountPoint)) {
            err.println("fos-mount: the mount point " + mountPoint + " is not a directory");
            return 2;
        }
        FosClient client;
        try {
            client = FosClient.connect(ticket);
        } catch (IOException e) {
            err.println("fos-mount: cannot reach the node: " + e.getMessage());
            return 4;
        }
        FosFuse fuse = new FosFuse(client.fileSystem(fleet), client.fleet(FileSystemFleet.class, fleet), 60_000);
        CountDownLatch unmounted = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            fuse.umount();
            client.close();
            unmounted.countDown();
        }, "fos-mount-unmount");
        Runtime.getRuntime().addShutdownHook(hook);
        int served;
        try {
            served = fuse.serve(mountPoint, options(fleet));
        } catch (UnsatisfiedLinkError e) {
            err.println("fos-mount: mounting " + mountPoint + " failed: " + e.getMessage());
            return 5;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 6;
        }
        if (served == 1) {
            err.println("fos-mount: mounting " + mountPoint + " failed (libfuse says why above)");
            return 5;
        }
        if (served != 0) {
            err.println("fos-mount: serving " + mountPoint + " failed (see the log); it is unmounted");
            return 6;
        }
        return 0;
    }

    /** The libfuse options of a mount. */
    static String[] options(String fleet) {
        List<String> o = new ArrayList<>();
        o.add("-o");
        // attr_timeout=0: libfuse's path-based API gives each name of a hard-linked file its own kernel inode, so
        // cached attributes (the link count) of one name would go stale when another changes
        StringBuilder b = new StringBuilder("default_permissions,use_ino,attr_timeout=0,fsname=fos" + fleet.replace('/', ':')
                + ",subtype=fos,big_writes");
        if ("root".equals(System.getProperty("user.name"))) {
            b.append(",allow_other");
        }
        o.add(b.toString());
        return o.toArray(new String[0]);
    }
}
