package org.fos.itests.fs;

import static org.fos.testkit.FosOptions.fileSystemFleet;
import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.fos.block.api.BlockDevice;
import org.fos.fs.api.FileSystemFleet;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The members keep their changes' device writes to send them together (ADR 0117), here for up to
 * 1 s, the longest a configuration may ask. A change that returned without an fsync is on the device
 * once the file-system bundle has stopped: the members that start next read it there.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemWriteBehindIT extends FileSystemSupport {
    private static final String DEVICE = "/dev/block/ram0";
    private static final String TEXT = "returned, not fsynced";

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(fileSystemFleet(2, 4, 16_384, Map.of("writeBehindMicros", "1000000")))};
    }

    @Before
    public void setUp() throws Exception {
        ready(2);
    }

    @Test
    public void aChangeAMemberKeptIsOnTheDeviceOnceTheFileSystemStopped() throws Exception {
        BlockDevice device = client(BlockDevice.class, DEVICE);
        Path file = path("/kept/last-change.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, TEXT);
        long writesAtStop = device.stats().writes();

        Bundle fs = bundle("org.fos.fs");
        fs.stop();
        long writesAfterStop = device.stats().writes();
        fs.start();
        ready(2);

        // without the members sending what they kept when they stop, their timers would send it up to 1 s later, after
        // the next members read the device: this says whether the stop came before that
        System.out.printf("FileSystemWriteBehindIT: the device had taken %d writes at the stop, %d after it%n", writesAtStop,
                writesAfterStop);
        assertEquals(TEXT, Files.readString(path("/kept/last-change.txt")));
        assertFsckClean(FileSystemFleet.NAME);
    }
}
