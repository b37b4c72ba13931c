package org.fos.itests.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Dictionary;
import java.util.Hashtable;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.Geometry;
import org.fos.block.spi.AbstractBlockDevice;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A block device that fails writes under a file-system fleet that writes behind (ADR 0106): the
 * member learns of the failure after the change that caused it, then refuses every change and fsync
 * with an I/O error, even once the device works again; restarted, it replays its journal and holds
 * what was fsynced before the failure, checks clean and takes changes again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemDeviceFailureIT extends DefaultFileSystemTest {
    private static final String DEVICE = "/dev/block/faulty0";
    private static final String FLEET = "/sys/fs-faulty";

    private ServiceRegistration<BlockDevice> device;
    private Configuration fsConfig;

    @After
    public void removeFleets() throws Exception {
        if (fsConfig != null) {
            fsConfig.delete();
        }
        if (device != null) {
            device.unregister();
        }
    }

    @Test
    public void aFailedWriteStopsChangesUntilTheMemberRestartsAndLosesNothingFsynced() throws Exception {
        FaultyDevice faulty = new FaultyDevice(new Geometry("faulty0", 4096, 2048, false));
        device = register(faulty);
        fleetServing(DEVICE, 1);
        fsConfig = startFileSystem();
        FileSystem fs = files.fileSystem(FLEET);

        Path kept = fs.getPath("/kept");
        writeAndForce(kept, "fsynced before the failure");

        faulty.failWrites = true;
        IOException refused = null;
        for (int i = 0; i < 1000 && refused == null; i++) {
            try {
                Files.writeString(fs.getPath("/during-" + i), "x");
            } catch (IOException e) {
                refused = e;
            }
        }
        assertTrue("a change fails once the member knows of the failed write", refused != null);
        assertTrue(refused.toString(), refused.getMessage().contains("a write to " + DEVICE + " failed"));
        assertTrue(refused.toString(), refused.getMessage().contains("the device failed a write"));

        faulty.failWrites = false;
        try {
            writeAndForce(fs.getPath("/after"), "the device works again");
            fail("the member takes no more changes until it restarts");
        } catch (IOException e) {
            assertTrue(e.toString(), e.getMessage().contains("takes no more changes until it restarts"));
        }
        assertEquals("what is on the device still reads", "fsynced before the failure", Files.readString(kept));
        try {
            faulty.write(2047, new byte[4096]);
            fail("a device that failed a write takes no more until its driver restarts");
        } catch (UncheckedIOException e) {
            assertTrue(e.toString(), e.getMessage().contains("takes no more writes or flushes until its driver restarts"));
        }

        // restart the member: its configuration again, a new engine that mounts the device and replays its journal;
        // and the device first: a new driver instance over the same store
        fsConfig.delete();
        fsConfig = null; // deleted: not again after the test if the start below fails
        FleetRuntime runtime = service(FleetRuntime.class);
        device.unregister();
        device = null;
        waitFor("the failed device's fleet to pause", () -> runtime.fleet(DEVICE) == null
                || runtime.fleet(DEVICE).status() != FleetInfo.Status.SERVING);
        device = register(new FaultyDevice(faulty));
        fleetServing(DEVICE, 1);
        fsConfig = startFileSystem();
        FileSystem again = files.fileSystem(FLEET);
        assertEquals("fsynced before the failure", Files.readString(again.getPath("/kept")));
        assertFsckClean(FLEET);
        writeAndForce(again.getPath("/after"), "the device works again");
        assertEquals("the device works again", Files.readString(again.getPath("/after")));
        assertTrue("the fleet's writes went through the device", faulty.stats().writes() > 0);
    }

    private static ServiceRegistration<BlockDevice> register(FaultyDevice d) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Fleet.NAME, DEVICE);
        props.put(Fleet.MEMBERS, 1);
        // registered by the test's own bundle, which loads BlockDevice (the testkit's does not import it)
        return FrameworkUtil.getBundle(FaultyDevice.class).getBundleContext().registerService(BlockDevice.class, d, props);
    }

    private Configuration startFileSystem() throws Exception {
        Dictionary<String, Object> fs = new Hashtable<>();
        fs.put(Fleet.NAME, FLEET);
        fs.put(Fleet.MEMBERS, 1);
        fs.put("device", "faulty0");
        fs.put("groups", 1);
        Configuration c = service(ConfigurationAdmin.class).getFactoryConfiguration("org.fos.fs", "faulty", "?");
        c.update(fs);
        fleetServing(FLEET, 1);
        return c;
    }

    private static void writeAndForce(Path p, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    /** A device in memory whose writes fail while {@link #failWrites} is set. */
    public static final class FaultyDevice extends AbstractBlockDevice {
        private final byte[] bytes;
        volatile boolean failWrites;

        FaultyDevice(Geometry g) {
            super(g);
            this.bytes = new byte[(int) (g.blockSize() * g.blockCount())];
        }

        /** A new instance of the driver over the same store, as after a restart. */
        FaultyDevice(FaultyDevice before) {
            super(before.geometry);
            this.bytes = before.bytes;
        }

        @Override
        protected synchronized void readBlocks(long block, byte[] into) {
            System.arraycopy(bytes, (int) (block * geometry.blockSize()), into, 0, into.length);
        }

        @Override
        protected synchronized void writeBlocks(long block, byte[] data) throws IOException {
            if (failWrites) {
                throw new IOException("the device failed a write of block " + block);
            }
            System.arraycopy(data, 0, bytes, (int) (block * geometry.blockSize()), data.length);
        }

        @Override
        protected void force() {
            // memory
        }
    }
}
