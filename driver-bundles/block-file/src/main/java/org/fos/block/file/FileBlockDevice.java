package org.fos.block.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;
import org.fos.block.api.Geometry;
import org.fos.block.spi.AbstractBlockDevice;
import org.fos.fleet.api.Fleet;
import org.fos.kernel.api.Names;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A block device kept in a file, one per factory configuration of {@value #PID}. Block {@code n}
 * lives at byte {@code n * blockSize} of the file; {@link #flush()} forces the file to its storage
 * ({@link FileChannel#force(boolean)}). A missing or empty file is created at the configured size
 * (sparse where the file system allows); a file of another size is refused rather than cut or
 * grown. The file is locked while the device is open, so that no second device (in this node or
 * another process) writes it.
 */
@Component(service = BlockDevice.class, configurationPid = FileBlockDevice.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = Names.SCOPE_PROPERTY + "=" + Names.SCOPE_NODE)
@Fleet(name = "/dev/block/disk0", members = 1)
@Designate(ocd = FileBlockDevice.Config.class, factory = true)
public final class FileBlockDevice extends AbstractBlockDevice {
    private static final Logger LOG = LoggerFactory.getLogger(FileBlockDevice.class);

    /** The factory PID of file devices. */
    public static final String PID = "org.fos.block.file";

    /** The configuration of one file device. */
    @ObjectClassDefinition(name = "fos file block device", description = "A block device kept in a file, served under fos.fleet.name.")
    public @interface Config {
        /**
         * The backing file.
         *
         * @return the path
         */
        @AttributeDefinition(description = "The backing file; created at blockSize * blockCount bytes if missing or empty.")
        String path();

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
        long blockCount() default 65_536;
    }

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    /**
     * Opens (or creates) the backing file.
     *
     * @param config the configuration
     * @param properties the component properties, with {@code fos.fleet.name}
     * @throws IOException if the file cannot be opened, created or locked
     * @throws IllegalArgumentException if the configuration is not valid or the file has another size
     */
    @Activate
    public FileBlockDevice(Config config, Map<String, Object> properties) throws IOException {
        this(new Geometry(deviceName(String.valueOf(properties.get(Fleet.NAME))), config.blockSize(), config.blockCount(), true),
                pathOf(config.path()));
        LOG.info("file block device {} serves {} blocks of {} bytes from {}", BlockDevice.NAME_PREFIX + geometry.name(),
                geometry.blockCount(), geometry.blockSize(), path);
    }

    FileBlockDevice(Geometry geometry, Path path) throws IOException {
        super(geometry);
        this.path = path;
        long size = geometry.sizeBytes();
        Path parent = path.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                throw new IOException("the backing file " + path + " is in use by another block device");
            }
            this.lock = l;
            long existing = ch.size();
            if (existing == 0) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
                ch.force(true);
            } else if (existing != size) {
                throw new IllegalArgumentException("the backing file " + path + " is " + existing + " bytes, but the device is configured"
                        + " with " + geometry.blockCount() + " blocks of " + geometry.blockSize() + " bytes (" + size
                        + " bytes): configure its size or give another path");
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        this.channel = ch;
    }

    private static Path pathOf(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the backing file (path) of a file block device is missing");
        }
        return Paths.get(text).toAbsolutePath().normalize();
    }

    @Deactivate
    void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + path + " failed", e);
        }
    }

    @Override
    protected void readBlocks(long block, byte[] into) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(into);
        long position = block * geometry.blockSize();
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                throw new IOException(path + " ends at " + (position + buf.position()) + ", inside block " + block);
            }
        }
    }

    @Override
    protected void writeBlocks(long block, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        long position = block * geometry.blockSize();
        while (buf.hasRemaining()) {
            channel.write(buf, position + buf.position());
        }
    }

    /** One gather write from the first run's place: as many system calls as one run of their total size. */
    @Override
    protected synchronized void writeAdjacent(List<BlockWrite> runs) throws IOException {
        ByteBuffer[] bufs = new ByteBuffer[runs.size()];
        long total = 0;
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = ByteBuffer.wrap(runs.get(i).data());
            total += bufs[i].remaining();
        }
        channel.position(runs.get(0).block() * geometry.blockSize());
        while (total > 0) {
            total -= channel.write(bufs);
        }
    }

    @Override
    protected void force() throws IOException {
        channel.force(false);
    }
}
