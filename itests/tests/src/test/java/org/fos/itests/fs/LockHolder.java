package org.fos.itests.fs;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.fos.client.FosClient;

/**
 * A plain JVM that holds a file lock until it is killed: {@code LockHolder <ticket> <path> <position>
 * <size>} connects to a node through its client ticket, locks the range exclusively, prints
 * {@code LOCKED} and waits for its standard input to end. {@code FileLockProcessIT} kills it with
 * SIGKILL, so that it never releases the lock.
 */
public final class LockHolder {
    private LockHolder() {
    }

    /**
     * Holds the lock.
     *
     * @param args the ticket, the path on the node's file system, the range's position and size
     * @throws Exception if the lock cannot be taken
     */
    public static void main(String[] args) throws Exception {
        try (FosClient client = FosClient.connect(Path.of(args[0]));
                FileChannel ch = FileChannel.open(client.fileSystem().getPath(args[1]), StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
            FileLock lock = ch.lock(Long.parseLong(args[2]), Long.parseLong(args[3]), false);
            System.out.println("LOCKED " + lock);
            System.out.flush();
            while (System.in.read() >= 0) {
                // holds the lock until killed, or until the test closes its input
            }
        }
    }
}
