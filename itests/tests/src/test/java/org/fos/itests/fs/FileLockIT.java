package org.fos.itests.fs;

import static org.fos.testkit.FosOptions.fileSystemFleet;
import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.Locked;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * File locks across holders (ADR 0044): this bundle's {@code fos:} channels are one holder, and a
 * "stranger" that calls the fleet's lock protocol with a holder name of its own is another, as a
 * program in another JVM would be. Overlaps conflict ({@code tryLock} null, {@code lock} waits),
 * shared locks share, a holder that stops renewing loses its locks within the lease (2 s here), a
 * closed channel and a file's last close release them, and bad input gets the JDK's exceptions.
 * The kill -9 of a client JVM is {@code FileLockProcessIT}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileLockIT extends FileSystemSupport {
    private static final long LEASE_MILLIS = 2_000;
    private static final int PER_HOLDER = 16;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private FileSystemFleet fleet;
    private final AtomicLong ids = new AtomicLong();

    /** The file system with a short lock lease and a small bound of locks per holder. */
    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(fileSystemFleet(2, 4, 16_384, Map.of("lockLeaseMillis", Long.toString(LEASE_MILLIS),
                "maxLocksPerHolder", Integer.toString(PER_HOLDER), "maxLocks", "1024")))};
    }

    @Before
    public void setUp() throws Exception {
        ready(2);
        fleet = client(FileSystemFleet.class, FileSystemFleet.NAME);
    }

    /** Another holder: a name of its own, calling the fleet's protocol as another JVM's client does. */
    private final class Stranger {
        final String name = "stranger-" + System.nanoTime();
        final Attributes file;

        Stranger(Path path) throws Exception {
            long inode = (Long) Files.getAttribute(path, "unix:ino");
            this.file = get(fleet.stat(FileSystemFleet.groupOf(inode), inode));
        }

        long lock(long position, long size, boolean shared) throws Exception {
            long id = ids.incrementAndGet();
            Locked l = get(fleet.lock(group(), file.inode(), file.generation(), name, id, position, size, shared));
            assertEquals(LEASE_MILLIS, l.leaseMillis());
            return l.granted() ? id : 0;
        }

        void unlock(long id) throws Exception {
            get(fleet.unlock(group(), name, id));
        }

        List<Long> renew(List<Long> keep) throws Exception {
            return get(fleet.renewLocks(group(), name, keep));
        }

        int group() {
            return FileSystemFleet.groupOf(file.inode());
        }
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> s) throws Exception {
        try {
            return s.toCompletableFuture().get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    private Path file(String name) throws IOException {
        Files.createDirectories(path("/locks"));
        return Files.writeString(path("/locks/" + name), "0123456789".repeat(20));
    }

    private static FileChannel open(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Test
    public void anotherHoldersLockMakesTryLockAnswerNullAndLockWaitUntilItIsReleased() throws Exception {
        Path f = file("conflict");
        Stranger other = new Stranger(f);
        long held = other.lock(0, 100, false);
        assertTrue("the stranger's exclusive lock is granted", held > 0);
        try (FileChannel ch = open(f)) {
            assertNull("an overlapping exclusive lock", ch.tryLock(50, 10, false));
            assertNull("an overlapping shared lock", ch.tryLock(99, 1, true));
            FileLock beside = ch.tryLock(100, 50, false);
            assertNotNull("a range that does not overlap", beside);
            assertEquals(0, other.lock(120, 1, true));
            beside.release();
            assertFalse(beside.isValid());

            CompletableFuture<FileLock> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return ch.lock(0, 10, false);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            for (int i = 0; i < 5; i++) {
                assertEquals("the stranger still holds its lock", List.of(held), other.renew(List.of(held)));
                assertFalse("lock() waits while the stranger holds the range", waiting.isDone());
            }
            // the waiting lock is this client's once its thread has asked for it: from then on an overlap is refused at
            // once (before, the stranger's lock makes tryLock answer null)
            waitFor("an overlap of the waiting lock to be refused at once", () -> {
                try {
                    assertNull("the stranger holds the range", ch.tryLock(5, 1, true));
                    return false;
                } catch (OverlappingFileLockException e) {
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertFalse("lock() still waits", waiting.isDone());
            other.unlock(held);
            FileLock got = waiting.get(1, TimeUnit.MINUTES);
            assertTrue(got.isValid());
            assertEquals(0, other.lock(0, 1, true));
            got.release();
            assertTrue("free again", other.lock(0, 1, true) > 0);
        }
    }

    @Test
    public void sharedLocksShareAndKeepExclusiveOnesOut() throws Exception {
        Path f = file("shared");
        Stranger other = new Stranger(f);
        long shared = other.lock(0, 100, true);
        assertTrue(shared > 0);
        try (FileChannel ch = open(f)) {
            FileLock mine = ch.tryLock(10, 100, true);
            assertNotNull("shared locks share", mine);
            assertTrue(mine.isShared());
            assertEquals("an exclusive lock over a shared one is refused", 0, other.lock(105, 1, false));
            mine.release();
            assertTrue(other.lock(105, 1, false) > 0);
            assertNull(ch.tryLock(0, 1, false));
        }
    }

    @Test
    public void aHolderThatStopsRenewingLosesItsLocksWithinTheLeaseWhileOneThatRenewsKeepsThem() throws Exception {
        Path f = file("lease");
        Stranger gone = new Stranger(f);
        long held = gone.lock(0, 10, false);
        assertTrue(held > 0);
        long t0 = System.nanoTime();
        try (FileChannel ch = open(f)) {
            FileLock got = ch.lock(0, 10, false); // waits until the stranger's lease has run out
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("FileLockIT: a holder that stopped renewing lost its lock after " + waitedMillis + " ms (lease "
                    + LEASE_MILLIS + " ms)");
            assertTrue("waited " + waitedMillis + " ms", waitedMillis < LEASE_MILLIS + 5_000);
            assertEquals("the stranger's lock is gone", List.of(), gone.renew(List.of(held)));

            // this client renews: three leases later the stranger is still kept out
            Stranger next = new Stranger(f);
            long since = System.nanoTime();
            waitFor("three leases to pass with the lock renewed", WAIT, () -> {
                try {
                    assertEquals(0, next.lock(5, 1, true));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(3 * LEASE_MILLIS);
            });
            assertTrue(got.isValid());
        }
    }

    @Test
    public void closingTheChannelReleasesItsLocks() throws Exception {
        Path f = file("close");
        Stranger other = new Stranger(f);
        try (FileChannel keep = open(f)) { // keeps the file open, so that only the lock's channel closes
            FileChannel ch = open(f);
            FileLock lock = ch.lock();
            assertEquals(0, other.lock(0, 1, true));
            ch.close();
            assertFalse(lock.isValid());
            assertThrows("as the JDK: release after close", java.nio.channels.ClosedChannelException.class, lock::release);
            waitFor("the stranger gets the range once the channel closed", WAIT, () -> {
                try {
                    return other.lock(0, 1, false) > 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(keep.isOpen());
        }
    }

    @Test
    public void aLockOnADeletedOpenFileHoldsUntilItsLastClose() throws Exception {
        Path f = file("unlinked");
        Stranger other = new Stranger(f);
        FileChannel ch = open(f);
        FileLock lock = ch.lock(0, 50, false);
        Files.delete(f);
        assertFalse(Files.exists(f));
        assertEquals("the lock holds on the deleted file", 0, other.lock(10, 1, false));
        lock.release();
        long got = other.lock(10, 1, false);
        assertTrue(got > 0);
        assertNull(ch.tryLock(0, 50, true));
        other.unlock(got);
        assertNotNull(ch.tryLock(0, 50, true));
        ch.close();
        waitFor("the file is freed at its last close", WAIT, () -> {
            try {
                other.lock(10, 1, false);
                return false;
            } catch (NoSuchFileException e) {
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertFsckClean(FileSystemFleet.NAME);
    }

    @Test
    public void badInputGetsTheJdksExceptionsAndLocksPerHolderAreBounded() throws Exception {
        Path f = file("bad");
        try (FileChannel ch = open(f)) {
            assertThrows(IllegalArgumentException.class, () -> ch.tryLock(-1, 10, false));
            assertThrows(IllegalArgumentException.class, () -> ch.lock(0, -1, true));
            assertThrows(IllegalArgumentException.class, () -> ch.tryLock(Long.MAX_VALUE, 2, false));
        }
        try (FileChannel ro = FileChannel.open(f, StandardOpenOption.READ)) {
            assertThrows(NonWritableChannelException.class, () -> ro.tryLock(0, 1, false));
            assertNotNull(ro.tryLock(0, 1, true));
        }
        try (FileChannel wo = FileChannel.open(f, StandardOpenOption.WRITE)) {
            assertThrows(NonReadableChannelException.class, () -> wo.lock(0, 1, true));
            assertNotNull(wo.lock(0, 1, false));
        }
        try (FileChannel ch = open(f)) {
            List<FileLock> many = new ArrayList<>();
            for (int i = 0; i < PER_HOLDER; i++) {
                many.add(ch.tryLock(i * 2L, 1, false));
            }
            IOException tooMany = assertThrows(IOException.class, () -> ch.tryLock(1_000, 1, false));
            assertTrue(tooMany.getMessage(), tooMany.getMessage().contains("No locks available")
                    && tooMany.getMessage().contains("/locks/bad"));
            many.get(0).release();
            assertNotNull("room again after a release", ch.tryLock(1_000, 1, false));
        }

        Stranger s = new Stranger(f);
        for (int i = 0; i < PER_HOLDER; i++) {
            assertTrue(s.lock(i * 2L, 1, true) > 0);
        }
        FileSystemException full = assertThrows(FileSystemException.class, () -> s.lock(1_000, 1, true));
        assertTrue(full.getMessage(), full.getMessage().contains("maxLocksPerHolder"));
        Exception badHolder = assertThrows(Exception.class, () -> get(fleet.lock(s.group(), s.file.inode(), s.file.generation(),
                "h".repeat(FileSystemFleet.MAX_HOLDER_CHARS + 1), 1, 0, 1, false)));
        assertTrue(badHolder.toString(), badHolder.toString().contains("lock holder is 1 to 64 characters"));
        Exception stale = assertThrows(NoSuchFileException.class, () -> get(fleet.lock(s.group(), s.file.inode(),
                s.file.generation() + 1, s.name, 99, 0, 1, false)));
        assertTrue(stale.getMessage(), stale.getMessage().contains("deleted"));
    }
}
