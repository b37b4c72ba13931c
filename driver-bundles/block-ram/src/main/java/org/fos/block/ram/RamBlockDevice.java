package org.fos.block.ram;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.Geometry;
import org.fos.block.spi.AbstractBlockDevice;
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.Stateful;
import org.fos.kernel.api.Names;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A block device in memory, one per factory configuration of {@value #PID}. Blocks are allocated on
 * first write; unwritten blocks read as zeros. The content is lost when the node stops but survives
 * a live upgrade of this bundle (it is the exported state). One instance serves all members of the
 * device's fleet, so every call is synchronized.
 */
@Component(service = BlockDevice.class, configurationPid = RamBlockDevice.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = Names.SCOPE_PROPERTY + "=" + Names.SCOPE_NODE)
@Fleet(name = "/dev/block/ram0", members = 1)
@Designate(ocd = RamBlockDevice.Config.class, factory = true)
public final class RamBlockDevice extends AbstractBlockDevice implements Stateful {
    private static final Logger LOG = LoggerFactory.getLogger(RamBlockDevice.class);

    /** The factory PID of RAM devices. */
    public static final String PID = "org.fos.block.ram";
    private static final int LAYOUT = 1;

    /** The configuration of one RAM device. */
    @ObjectClassDefinition(name = "fos RAM block device", description = "A block device kept in memory, served under fos.fleet.name.")
    public @interface Config {
        /**
         * Bytes a block.
         *
         * @return bytes
         */
        @AttributeDefinition(description = "The size of a block in bytes: a power of two from 512 to 65536.")
        int blockSize() default 4096;

        /**
         * Blocks.
         *
         * @return blocks
         */
        @AttributeDefinition(description = "How many blocks the device has.")
        long blockCount() default 16_384;
    }

    private final byte[][] blocks;

    /**
     * Creates the device from its configuration.
     *
     * @param config the configuration
     * @param properties the component properties, with {@code fos.fleet.name}
     * @throws IllegalArgumentException if the configuration is not valid
     */
    @Activate
    public RamBlockDevice(Config config, Map<String, Object> properties) {
        this(geometry(String.valueOf(properties.get(Fleet.NAME)), config.blockSize(), config.blockCount()));
        LOG.info("RAM block device {} serves {} blocks of {} bytes", BlockDevice.NAME_PREFIX + geometry.name(),
                geometry.blockCount(), geometry.blockSize());
    }

    RamBlockDevice(Geometry geometry) {
        super(geometry);
        this.blocks = new byte[Math.toIntExact(geometry.blockCount())][];
    }

    static Geometry geometry(String fleetName, int blockSize, long blockCount) {
        if (blockCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a RAM device has at most " + Integer.MAX_VALUE + " blocks, was " + blockCount);
        }
        return new Geometry(deviceName(fleetName), blockSize, blockCount, false);
    }

    @Override
    protected synchronized void readBlocks(long block, byte[] into) {
        int size = geometry.blockSize();
        for (int i = 0; i < into.length / size; i++) {
            byte[] b = blocks[(int) block + i];
            if (b != null) {
                System.arraycopy(b, 0, into, i * size, size);
            }
        }
    }

    /**
     * Keeps a run of one block as the array it came in: the caller handed it over and does not change
     * it ({@link org.fos.block.api.BlockWrite}), and this device never changes a block it keeps, so
     * the block is not copied (a journal record's images are the file system's committed blocks). A
     * longer run is cut into new arrays, one a block.
     */
    @Override
    protected synchronized void writeBlocks(long block, byte[] data) {
        int size = geometry.blockSize();
        if (data.length == size) {
            blocks[(int) block] = data;
            return;
        }
        for (int i = 0; i < data.length / size; i++) {
            blocks[(int) block + i] = Arrays.copyOfRange(data, i * size, (i + 1) * size);
        }
    }

    @Override
    protected void force() {
        // memory is as durable as it gets
    }

    @Override
    public synchronized FleetState exportState() {
        Map<String, Object> written = new HashMap<>();
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] != null) {
                written.put(Integer.toString(i), blocks[i]);
            }
        }
        Map<String, Object> data = new HashMap<>();
        data.put("blockSize", geometry.blockSize());
        data.put("blockCount", geometry.blockCount());
        data.put("blocks", written);
        return new FleetState(LAYOUT, data);
    }

    @Override
    public synchronized void importState(FleetState state) {
        if (state.version() != LAYOUT) {
            throw new IllegalArgumentException("this RAM device reads state layout " + LAYOUT + ", not " + state.version());
        }
        if (state.data() == null) {
            return;
        }
        if (!(state.data() instanceof Map<?, ?> data) || !(data.get("blocks") instanceof Map<?, ?> written)
                || !(data.get("blockSize") instanceof Integer size) || !(data.get("blockCount") instanceof Long count)) {
            throw new IllegalArgumentException("state layout 1 of a RAM device needs blockSize, blockCount and blocks");
        }
        if (size != geometry.blockSize() || count != geometry.blockCount()) {
            throw new IllegalArgumentException("the old device had " + count + " blocks of " + size + " bytes, this one is configured"
                    + " with " + geometry.blockCount() + " of " + geometry.blockSize() + ": its content does not fit");
        }
        for (Map.Entry<?, ?> e : written.entrySet()) {
            blocks[Integer.parseInt((String) e.getKey())] = ((byte[]) e.getValue()).clone();
        }
    }
}
