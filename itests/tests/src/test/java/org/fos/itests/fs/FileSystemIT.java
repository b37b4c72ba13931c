package org.fos.itests.fs;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** An application's view: nothing but java.nio.file.Files on fos: paths. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemIT extends DefaultFileSystemTest {

    @Test
    public void aTreeIsMadeWalkedAndListed() throws Exception {
        Path top = path("/tree");
        Files.createDirectories(top.resolve("a/b/c"));
        Files.createDirectories(top.resolve("x/y"));
        Files.writeString(top.resolve("a/one.txt"), "one");
        Files.writeString(top.resolve("a/b/two.txt"), "two");
        Files.writeString(top.resolve("x/y/three.txt"), "three");
        Set<String> walked;
        try (Stream<Path> s = Files.walk(top)) {
            walked = s.map(p -> top.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(List.of("", "a", "a/b", "a/b/c", "a/b/two.txt", "a/one.txt", "x", "x/y", "x/y/three.txt")), walked);
        try (Stream<Path> s = Files.list(top.resolve("a"))) {
            assertEquals(List.of("b", "one.txt"), s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
        }
        assertEquals("three", Files.readString(top.resolve("x/y/three.txt")));
        assertTrue(Files.isDirectory(top.resolve("a/b")));
        assertTrue(Files.isRegularFile(top.resolve("a/one.txt")));
        assertFalse(Files.exists(top.resolve("nothing")));
        assertEquals("fos:/tree/a/one.txt", top.resolve("a/one.txt").toUri().toString());
        assertEquals(top.resolve("a/one.txt"), files.path(top.resolve("a/one.txt").toUri()));
    }

    @Test
    public void aTenMegabyteFileOfRandomBytesReadsBackWithTheSameChecksum() throws Exception {
        byte[] data = new byte[10 << 20];
        new Random(42).nextBytes(data);
        Path big = path("/big/random.bin");
        Files.createDirectories(big.getParent());
        long start = System.nanoTime();
        try (OutputStream out = Files.newOutputStream(big)) {
            for (int off = 0; off < data.length; off += 64 * 1024) {
                out.write(data, off, Math.min(64 * 1024, data.length - off));
            }
        }
        long written = System.nanoTime();
        byte[] back;
        try (InputStream in = Files.newInputStream(big)) {
            back = in.readAllBytes();
        }
        long read = System.nanoTime();
        System.out.printf("FileSystemIT: 10 MiB written in %.1f ms (%.1f MiB/s), read in %.1f ms (%.1f MiB/s)%n",
                (written - start) / 1e6, 10 / ((written - start) / 1e9), (read - written) / 1e6, 10 / ((read - written) / 1e9));
        assertEquals(data.length, Files.size(big));
        assertEquals(sha256(data), sha256(back));

        // random access through a channel
        try (SeekableByteChannel ch = Files.newByteChannel(big, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.position(5_000_000);
            ch.write(ByteBuffer.wrap("patched".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer b = ByteBuffer.allocate(7);
            ch.position(5_000_000);
            ch.read(b);
            assertArrayEquals("patched".getBytes(StandardCharsets.UTF_8), b.array());
            ch.truncate(1000);
            assertEquals(1000, ch.size());
        }
        assertEquals(1000, Files.size(big));
    }

    @Test
    public void filesAndDirectoriesAreRenamedAndDeleted() throws Exception {
        Path src = path("/moves/src");
        Path dst = path("/moves/dst");
        Files.createDirectories(src);
        Files.createDirectories(dst);
        Files.writeString(src.resolve("f.txt"), "content");
        Files.move(src.resolve("f.txt"), dst.resolve("g.txt"));
        assertFalse(Files.exists(src.resolve("f.txt")));
        assertEquals("content", Files.readString(dst.resolve("g.txt")));

        Files.createDirectories(src.resolve("sub/deeper"));
        Files.writeString(src.resolve("sub/deeper/x"), "x");
        Files.move(src.resolve("sub"), dst.resolve("sub2"));
        assertEquals("x", Files.readString(dst.resolve("sub2/deeper/x")));
        assertThrows(NoSuchFileException.class, () -> Files.readString(src.resolve("sub/deeper/x")));

        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(dst.resolve("sub2")));
        Files.delete(dst.resolve("sub2/deeper/x"));
        Files.delete(dst.resolve("sub2/deeper"));
        Files.delete(dst.resolve("sub2"));
        Files.delete(dst.resolve("g.txt"));
        try (Stream<Path> s = Files.list(dst)) {
            assertEquals(0, s.count());
        }
        assertThrows(NoSuchFileException.class, () -> Files.delete(dst.resolve("g.txt")));
    }

    @Test
    public void attributesAndTheFileStoreDescribeTheFileSystem() throws Exception {
        Path f = path("/attrs.txt");
        Files.writeString(f, "12345");
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        assertEquals(5, a.size());
        assertTrue(a.isRegularFile());
        assertFalse(a.isDirectory());
        assertTrue(a.lastModifiedTime().toMillis() > 0);
        assertEquals(5L, Files.readAttributes(f, "size").get("size"));
        FileStore store = Files.getFileStore(f);
        assertEquals("fosfs", store.type());
        assertTrue(store.getTotalSpace() > 50L << 20);
        assertTrue(store.getUsableSpace() > 0 && store.getUsableSpace() <= store.getTotalSpace());
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        assertEquals(1_000_000, Files.getLastModifiedTime(f).toMillis());
    }

    @Test
    @SuppressWarnings("unchecked")
    public void theShellCommandsWorkOnTheSameFiles() throws Exception {
        assertEquals("made /cmd/docs", executeOk("fs:mkdir /cmd/docs"));
        assertEquals("/cmd/docs exists", executeOk("fs:mkdir /cmd/docs"));
        assertEquals("/ exists", executeOk("fs:mkdir /"));
        assertEquals("wrote 11 bytes to /cmd/docs/a", executeOk("fs:write /cmd/docs/a hello world"));
        assertEquals("hello world", executeOk("fs:cat /cmd/docs/a"));
        assertEquals("hello world", Files.readString(path("/cmd/docs/a")));
        List<Object> ls = (List<Object>) executeOk("fs:ls /cmd/docs");
        assertEquals(1, ls.size());
        assertTrue(ls.get(0).toString(), ls.get(0).toString().endsWith(" a") && ls.get(0).toString().startsWith("-"));
        // a file given to fs:ls is shown as its listing line, named as given
        List<Object> one = (List<Object>) executeOk("fs:ls /cmd/docs/a");
        assertEquals(1, one.size());
        assertTrue(one.get(0).toString(), one.get(0).toString().matches("- +11 \\S+ /cmd/docs/a"));
        assertEquals("moved /cmd/docs/a to /cmd/b", executeOk("fs:mv /cmd/docs/a /cmd/b"));
        assertTrue(executeOk("fs:stat /cmd/b").toString().contains("size=11"));
        assertTrue(execute("fs:df").output(), execute("fs:df").output().contains("/dev/block/ram0"));
        assertEquals("removed /cmd/b", executeOk("fs:rm /cmd/b"));
        assertTrue(execute("fs:fsck").output().contains("clean=true"));
    }

    @Test
    public void theFileSystemChecksCleanAfterAllThat() throws Exception {
        Files.createDirectories(path("/check/a"));
        Files.writeString(path("/check/a/f"), "f");
        assertFsckClean("/sys/fs");
    }
}
