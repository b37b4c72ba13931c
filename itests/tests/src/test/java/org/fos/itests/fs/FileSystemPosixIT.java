package org.fos.itests.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The POSIX features of fos paths: links, permissions and owners, watching, locks, DELETE_ON_CLOSE. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemPosixIT extends DefaultFileSystemTest {

    @Test
    public void symbolicLinksAreFollowedUnlessAskedNot() throws Exception {
        Path dir = Files.createDirectories(path("/links/real"));
        Files.writeString(dir.resolve("f"), "through the link");
        Path rel = Files.createSymbolicLink(path("/links/rel"), path("real"));
        Path abs = Files.createSymbolicLink(path("/links/abs"), path("/links/real/f"));
        assertEquals("through the link", Files.readString(rel.resolve("f")));
        assertEquals("through the link", Files.readString(abs));
        assertTrue(Files.isSymbolicLink(abs));
        assertTrue(Files.isRegularFile(abs));
        assertFalse(Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS));
        assertEquals(path("/links/real/f"), Files.readSymbolicLink(abs));
        assertEquals(path("/links/real/f"), abs.toRealPath());
        Files.createSymbolicLink(path("/links/loop1"), path("loop2"));
        Files.createSymbolicLink(path("/links/loop2"), path("loop1"));
        FileSystemException loop = assertThrows(FileSystemException.class, () -> Files.readString(path("/links/loop1")));
        assertTrue(loop.getMessage(), loop.getMessage().contains("Too many levels of symbolic links"));
        Files.createSymbolicLink(path("/links/dangling"), path("nowhere"));
        assertTrue(Files.exists(path("/links/dangling"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(path("/links/dangling")));
        Files.writeString(path("/links/dangling"), "made through the link");
        assertEquals("made through the link", Files.readString(path("/links/nowhere")));
        Files.delete(abs);
        assertTrue("deleting a link leaves its target", Files.exists(dir.resolve("f")));
        assertFsckClean("/sys/fs");
    }

    @Test
    public void hardLinksShareOneFile() throws Exception {
        Path a = Files.writeString(path("/hard-a"), "shared");
        Files.createDirectories(path("/elsewhere/deeper"));
        Path b = Files.createLink(path("/elsewhere/deeper/hard-b"), a);
        assertEquals(2, Files.getAttribute(a, "unix:nlink"));
        assertTrue(Files.isSameFile(a, b));
        Files.writeString(b, "changed through b", StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals("changed through b", Files.readString(a));
        Files.delete(a);
        assertEquals("changed through b", Files.readString(b));
        assertEquals(1, Files.getAttribute(b, "unix:nlink"));
        assertThrows(FileSystemException.class, () -> Files.createLink(path("/dirlink"), path("/elsewhere")));
        assertFsckClean("/sys/fs");
    }

    @Test
    public void permissionsAndOwnersAreKept() throws Exception {
        Path f = Files.writeString(path("/owned.txt"), "x");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setOwner(f, f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("1234"));
        Files.setAttribute(f, "unix:gid", 77);
        PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class);
        assertEquals("rwxr-x---", PosixFilePermissions.toString(a.permissions()));
        assertEquals("1234", a.owner().getName());
        assertEquals("77", a.group().getName());
        assertEquals(0100750, Files.getAttribute(f, "unix:mode"));
        Path d = Files.createDirectory(path("/private"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
    }

    @Test
    public void aWatchServiceSeesFilesComeChangeAndGo() throws Exception {
        Path dir = Files.createDirectories(path("/watched"));
        try (WatchService w = dir.getFileSystem().newWatchService()) {
            WatchKey key = dir.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            Files.writeString(dir.resolve("new.txt"), "1");
            assertEquals(Set.of("ENTRY_CREATE new.txt"), events(w, key, 1));
            Files.writeString(dir.resolve("new.txt"), "22");
            assertEquals(Set.of("ENTRY_MODIFY new.txt"), events(w, key, 1));
            Files.delete(dir.resolve("new.txt"));
            assertEquals(Set.of("ENTRY_DELETE new.txt"), events(w, key, 1));
        }
    }

    private static Set<String> events(WatchService w, WatchKey key, int wanted) throws InterruptedException {
        Set<String> seen = new HashSet<>();
        while (seen.size() < wanted) {
            WatchKey k = w.poll(30, TimeUnit.SECONDS);
            assertNotNull("an event within 30 s; seen " + seen, k);
            assertEquals(key, k);
            for (WatchEvent<?> e : k.pollEvents()) {
                seen.add(e.kind().name() + " " + e.context());
            }
            k.reset();
        }
        return seen;
    }

    @Test
    public void locksExcludeOverlapsUntilReleased() throws Exception {
        Path f = Files.writeString(path("/locked"), "0123456789");
        try (FileChannel a = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileChannel b = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock first = a.lock(0, 5, false);
            assertThrows(OverlappingFileLockException.class, () -> b.tryLock(3, 4, false));
            FileLock other = b.tryLock(5, 5, false);
            assertTrue(other.isValid());
            first.release();
            assertFalse(first.isValid());
            FileLock again = b.tryLock(0, 5, true);
            assertTrue(again.isShared());
        }
    }

    @Test
    public void deleteOnCloseRemovesTheFile() throws Exception {
        Path f = path("/temporary");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE)) {
            ch.write(ByteBuffer.wrap("gone soon".getBytes(StandardCharsets.UTF_8)));
            assertTrue(Files.exists(f));
        }
        assertFalse(Files.exists(f));
        assertFsckClean("/sys/fs");
    }
}
