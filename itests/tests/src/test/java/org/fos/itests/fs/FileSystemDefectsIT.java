package org.fos.itests.fs;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Regression tests of the defects of issue 16, through java.nio.file as applications meet them. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemDefectsIT extends DefaultFileSystemTest {

    @Test
    public void aChannelOnADeletedFileKeepsItsFileWhileOthersAreCreated() throws Exception {
        Path dir = Files.createDirectories(path("/reuse"));
        Path f = dir.resolve("victim");
        Files.writeString(f, "the victim's bytes");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Files.delete(f);
            assertFalse(Files.exists(f));
            for (int i = 0; i < 600; i++) {
                Files.writeString(dir.resolve("n" + i), "new file " + i);
            }
            ByteBuffer b = ByteBuffer.allocate(100);
            ch.read(b, 0);
            assertEquals("the victim's bytes", new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
            ch.write(ByteBuffer.wrap("THE".getBytes(StandardCharsets.UTF_8)), 0);
            ch.truncate(5);
            assertEquals(5, ch.size());
        }
        for (int i = 0; i < 600; i++) {
            assertEquals("new file " + i, Files.readString(dir.resolve("n" + i)));
        }
        assertFsckClean("/sys/fs");
    }

    @Test
    public void aWriteIsSeenByOtherOpensWhenItReturns() throws Exception {
        Path f = path("/visible.txt");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
            assertEquals(5, Files.size(f));
            assertEquals("hello", Files.readString(f));
            Files.delete(f);
            // POSIX: the file lives on while it is open, and a write to it succeeds
            assertEquals(3, ch.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8))));
            assertEquals(8, ch.size());
        }
        assertFalse(Files.exists(f));
        assertFsckClean("/sys/fs");
    }

    @Test
    public void appendsOfSeveralWritersNeverTear() throws Exception {
        Path f = path("/appends.log");
        Files.createFile(f);
        int record = 600 << 10;
        int writers = 3;
        int each = 3;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte fill = (byte) ('a' + w);
                done.add(pool.submit(() -> {
                    byte[] bytes = new byte[record];
                    java.util.Arrays.fill(bytes, fill);
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.APPEND)) {
                        for (int i = 0; i < each; i++) {
                            ch.write(ByteBuffer.wrap(bytes));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> d : done) {
                d.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        byte[] all = Files.readAllBytes(f);
        assertEquals((long) record * writers * each, all.length);
        for (int r = 0; r < writers * each; r++) {
            byte first = all[r * record];
            for (int i = 1; i < record; i++) {
                if (all[r * record + i] != first) {
                    throw new AssertionError("record " + r + " is torn at byte " + i);
                }
            }
        }
    }

    @Test
    public void aFileGrowsPastItsGroupIntoTheFreeSpaceTheStoreReports() throws Exception {
        Path f = path("/large.bin");
        FileStore store = Files.getFileStore(path("/"));
        long usable = store.getUsableSpace();
        long size = 24L << 20;
        assertTrue("the device has room for the test: " + usable, usable > size + (8 << 20));
        byte[] chunk = new byte[1 << 20];
        new java.util.Random(3).nextBytes(chunk);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long at = 0; at < size; at += chunk.length) {
                ch.write(ByteBuffer.wrap(chunk));
            }
        }
        assertEquals(size, Files.size(f));
        assertTrue(store.getUsableSpace() <= usable - size);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(chunk.length);
            ch.position(size - chunk.length);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill the buffer
            }
            assertArrayEquals(chunk, b.array());
        }
        assertFsckClean("/sys/fs");
        Files.delete(f);
        assertTrue("the space is given back: " + store.getUsableSpace() + " of " + usable, store.getUsableSpace() >= usable - (1 << 20));
        assertFsckClean("/sys/fs");
    }

    @Test
    public void globsMatchAsTheJdksDo() {
        FileSystem fos = path("/").getFileSystem();
        FileSystem jdk = FileSystems.getDefault();
        String[] globs = {"[!a]*", "[a-c]?", "{x,y}*.txt", "**/b", "*.[ch]", "[!a-c]", "a\\*", "[-a]x"};
        String[] names = {"a", "b", "ab", "bc", "d", "x1.txt", "y.txt", "z.txt", "q/b", "q/r/b", "f.c", "f.h", "f.o", "a*", "-x", "ax"};
        for (String glob : globs) {
            PathMatcher mine = fos.getPathMatcher("glob:" + glob);
            PathMatcher theirs = jdk.getPathMatcher("glob:" + glob);
            for (String n : names) {
                assertEquals("glob " + glob + " on " + n, theirs.matches(jdk.getPath(n)), mine.matches(fos.getPath(n)));
            }
        }
    }

    @Test
    public void aDirectoryMovedOntoAFileWithReplaceExistingReplacesIt() throws Exception {
        Path d = Files.createDirectories(path("/mv/dir"));
        Files.writeString(d.resolve("inner"), "x");
        Path file = Files.writeString(path("/mv/file"), "f");
        Files.move(d, file, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.isDirectory(file));
        assertEquals("x", Files.readString(file.resolve("inner")));
        assertFalse(Files.exists(d));
    }

    @Test
    public void dotDotNeedsTheDirectoryBeforeIt() throws Exception {
        Files.createDirectories(path("/dots/b"));
        Files.writeString(path("/dots/b/f"), "f");
        assertThrows(NoSuchFileException.class, () -> Files.readString(path("/dots/missing/../b/f")));
        assertEquals("f", Files.readString(path("/dots/b/../b/f")));
        assertEquals(path("/dots/b/f"), path("/dots/b/../b/./f").toRealPath());
    }

    @Test
    public void badNamesAndAttributesGetClearErrors() throws Exception {
        assertThrows(InvalidPathException.class, () -> path("/bad\ud800name"));
        Path p = path("/perm.txt");
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-r-----");
        Files.createFile(p, PosixFilePermissions.asFileAttribute(perms));
        assertEquals(perms, Files.getPosixFilePermissions(p));
        assertThrows(UnsupportedOperationException.class,
                () -> Files.createFile(path("/acl.txt"), new java.nio.file.attribute.FileAttribute<String>() {
                    @Override
                    public String name() {
                        return "acl:acl";
                    }

                    @Override
                    public String value() {
                        return "x";
                    }
                }));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> Files.readString(path("/no/such/file")));
        assertTrue(missing.getMessage(), missing.getMessage().contains("/no/such/file"));
        assertFalse(missing.getMessage(), missing.getMessage().contains("inode"));
    }

    @Test
    public void theRepairCommandSaysWhatItDid() throws Exception {
        String out = execute("fs:fsck --repair").output();
        assertTrue(out, out.contains("repaired=[]"));
        assertTrue(out, out.contains("clean=true"));
    }
}
