package org.fos.itests.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Random;

import org.fos.block.api.BlockDevice;
import org.fos.fs.api.FileSystemFleet;
import org.fos.rpc.api.Libfos;
import org.fos.testkit.support.CommandResult;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/** Bad paths, directories read as files, a full device and bad block numbers: standard errors, and the check stays clean. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemBadInputIT extends DefaultFileSystemTest {

    @Test
    public void badPathsAndMisusedEntriesGetTheStandardExceptions() throws Exception {
        assertThrows(InvalidPathException.class, () -> path("/a\0b"));
        assertThrows(InvalidPathException.class, () -> path("/" + "n".repeat(256)));
        Path dir = Files.createDirectories(path("/bad/dir"));
        Path file = Files.writeString(path("/bad/file"), "text");

        FileSystemException isDir = assertThrows(FileSystemException.class, () -> Files.readAllBytes(dir));
        assertEquals("/bad/dir", isDir.getFile());
        assertTrue(isDir.getMessage(), isDir.getMessage().contains("Is a directory"));
        assertThrows(FileSystemException.class, () -> Files.newOutputStream(dir));
        assertThrows(NoSuchFileException.class, () -> Files.readString(path("/bad/missing")));
        assertThrows(NoSuchFileException.class, () -> Files.writeString(path("/bad/missing-dir/f"), "x"));
        assertThrows(NotDirectoryException.class, () -> Files.writeString(path("/bad/file/below"), "x"));
        assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(file));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(dir));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createFile(file));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(path("/")));
        assertThrows(FileSystemException.class, () -> Files.delete(path("/")));
        Files.writeString(dir.resolve("inside"), "x");
        DirectoryNotEmptyException notEmpty = assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(dir));
        assertEquals("/bad/dir", notEmpty.getFile());
        // a file moved over a directory that has entries: the error names that directory
        DirectoryNotEmptyException target = assertThrows(DirectoryNotEmptyException.class,
                () -> Files.move(file, dir, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
        assertEquals("/bad/dir", target.getFile());
        assertThrows(FileAlreadyExistsException.class, () -> Files.move(file, dir.resolve("inside")));
        FileSystemException loop = assertThrows(FileSystemException.class, () -> Files.move(path("/bad"), path("/bad/dir/bad")));
        assertTrue(loop.getMessage(), loop.getMessage().contains("into itself"));
        assertEquals("text", Files.readString(file));
        assertFsckClean(FileSystemFleet.NAME);
    }

    @Test
    public void badCommandArgumentsAreRefusedPrecisely() throws Exception {
        assertFails("fs:cat relative/path", "is not an absolute path");
        assertFails("fs:cat /no/such/file", "/no/such/file");
        assertFails("fs:cat /", "/: is a directory");
        assertFails("fs:write / text", "/: is a directory");
        assertFails("fs:write /bad-cmd.txt", "no text to write");
        assertFails("fs:write /bad-cmd-dir/a.txt text", "/bad-cmd-dir/a.txt: its directory /bad-cmd-dir does not exist (fs:mkdir /bad-cmd-dir makes it)");
        assertFails("fs:ls /bad-cmd-missing", "/bad-cmd-missing");
        assertEquals("made /cmd", executeOk("fs:mkdir /cmd"));
    }

    private void assertFails(String line, String expected) throws Exception {
        CommandResult r = execute(line);
        assertTrue(line + " should fail", r.failed());
        assertTrue(line + " said: " + r.output(), r.output().contains(expected));
    }

    @Test
    public void aFullDeviceIsAFileSystemExceptionAndCorruptsNothing() throws Exception {
        ConfigurationAdmin cm = service(ConfigurationAdmin.class);
        Dictionary<String, Object> ram = new Hashtable<>();
        ram.put("fos.fleet.name", "/dev/block/ram1");
        ram.put("blockSize", 4096);
        ram.put("blockCount", 1024L);
        cm.getFactoryConfiguration("org.fos.block.ram", "small", "?").update(ram);
        Dictionary<String, Object> fs = new Hashtable<>();
        fs.put("fos.fleet.name", "/sys/fs-small");
        fs.put("fos.fleet.members", 1);
        fs.put("device", "ram1");
        fs.put("groups", 1);
        cm.getFactoryConfiguration("org.fos.fs", "small", "?").update(fs);
        fleetServing("/sys/fs-small", 1);
        FileSystem small = files.fileSystem("/sys/fs-small");

        Path fill = small.getPath("/fill.bin");
        byte[] chunk = new byte[256 * 1024];
        new Random(1).nextBytes(chunk);
        long written = 0;
        FileSystemException full = null;
        try (OutputStream out = Files.newOutputStream(fill)) {
            for (int i = 0; i < 100; i++) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (FileSystemException e) {
            full = e;
        }
        assertTrue("a 4 MiB device takes no 25 MiB: wrote " + written, full != null);
        assertTrue(full.getMessage(), full.getMessage().contains("no space left"));
        assertEquals("/fill.bin", full.getFile());
        long size = Files.size(fill);
        assertTrue("what was written before the device filled stays: " + size, size > 1 << 20);
        assertFsckClean("/sys/fs-small");
        Files.delete(fill);
        Files.writeString(small.getPath("/after"), "room again");
        assertEquals("room again", Files.readString(small.getPath("/after")));
        assertFsckClean("/sys/fs-small");
    }

    @Test
    public void blockNumbersOutOfRangeAndWrongBufferSizesAreRefused() throws Exception {
        BlockDevice ram0 = service(Libfos.class).proxy(BlockDevice.class, "/dev/block/ram0");
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> ram0.read(16_384, 1));
        assertEquals("block 16384 is out of range: /dev/block/ram0 has 16384 blocks (0..16383)", range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ram0.read(-1, 1));
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> ram0.write(0, new byte[100]));
        assertTrue(size.getMessage(), size.getMessage().contains("not a whole number of 4096-byte blocks"));
        assertThrows(IllegalArgumentException.class, () -> ram0.write(16_383, new byte[8192]));
        assertTrue(ram0.stats().refused() >= 4);
        assertFalse(Files.exists(path("/nothing-was-written")));
        assertFsckClean(FileSystemFleet.NAME);
    }
}
