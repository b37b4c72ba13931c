package org.fos.fs.engine;

import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;
import org.fos.block.api.Geometry;
import org.fos.fs.api.FileSystemFleet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creating a file system on a device (mkfs) and making one consistent after a crash (mount recovery). */
final class Volume {
    private static final Logger LOG = LoggerFactory.getLogger(Volume.class);
    /** The root directory's permission bits: everyone may make files in it, only their owners remove them (as /tmp). */
    static final int ROOT_MODE = 01777;

    private Volume() {
    }

    /**
     * Reads the superblock.
     *
     * @param device the device
     * @return the layout, or null if the device holds no fos file system
     * @throws FileSystemException if it holds a damaged one or one that does not fit the device
     */
    static Layout layout(BlockDevice device) throws FileSystemException {
        Geometry g = device.geometry();
        if (g.blockSize() < Layout.MIN_BLOCK_SIZE) {
            throw new FileSystemException(BlockDevice.NAME_PREFIX + g.name(), null, "its blocks of " + g.blockSize()
                    + " bytes are too small for a fos file system (at least " + Layout.MIN_BLOCK_SIZE + ")");
        }
        Layout l;
        try {
            l = Layout.decode(device.read(0, 1));
        } catch (IllegalArgumentException e) {
            throw new FileSystemException(BlockDevice.NAME_PREFIX + g.name(), null, e.getMessage());
        }
        if (l != null && (l.blockSize != g.blockSize() || l.blockCount > g.blockCount())) {
            throw new FileSystemException(BlockDevice.NAME_PREFIX + g.name(), null, "its file system was made for " + l.blockCount
                    + " blocks of " + l.blockSize + " bytes, the device has " + g.blockCount() + " of " + g.blockSize());
        }
        return l;
    }

    /**
     * Creates an empty file system: superblock, group headers, empty journals, bitmaps, zeroed
     * inode tables and the root directory. Everything on the device is lost.
     *
     * @param device the device
     * @param groups how many groups
     * @return the layout written
     */
    static Layout mkfs(BlockDevice device, int groups) {
        Geometry g = device.geometry();
        return mkfs(device, Layout.plan(g.blockSize(), g.blockCount(), groups));
    }

    /** Creates an empty file system of a given layout (tests give small journals). */
    static Layout mkfs(BlockDevice device, Layout l) {
        Geometry g = device.geometry();
        int bs = l.blockSize;
        long now = System.currentTimeMillis();
        List<BlockWrite> writes = new ArrayList<>();
        for (int gr = 0; gr < l.groups; gr++) {
            writes.add(new BlockWrite(l.headerBlock(gr), GroupHeader.initial(l, gr)));
            writes.add(new BlockWrite(l.journalStart(gr), Journal.header(l, 1)));
            writes.add(new BlockWrite(l.journalStart(gr) + 1, new byte[bs]));
            int bits = l.bitsPerBitmapBlock();
            byte[] inodeMap = new byte[l.inodeBitmapBlocks * bs];
            Allocator.setBit(inodeMap, bits, bs, 0, true);
            if (gr == 0) {
                Allocator.setBit(inodeMap, bits, bs, 1, true);
            }
            sealEach(inodeMap, l.inodeBitmapStart(gr), bs);
            writes.add(new BlockWrite(l.inodeBitmapStart(gr), inodeMap));
            byte[] blockMap = new byte[l.blockBitmapBlocks * bs];
            for (int i = 0; i < l.metaBlocks; i++) {
                Allocator.setBit(blockMap, bits, bs, i, true);
            }
            sealEach(blockMap, l.blockBitmapStart(gr), bs);
            writes.add(new BlockWrite(l.blockBitmapStart(gr), blockMap));
            byte[] table = new byte[l.inodeTableBlocks * bs];
            if (gr == 0) {
                Inode root = new Inode(FileSystemFleet.ROOT);
                root.type = Inode.DIRECTORY;
                root.links = 1;
                root.created = now;
                root.modified = now;
                root.accessed = now;
                root.changed = now;
                root.parent = FileSystemFleet.ROOT;
                root.generation = 1;
                root.mode = ROOT_MODE;
                root.encode(table, Layout.INODE_SIZE);
            }
            writes.add(new BlockWrite(l.inodeTableStart(gr), table));
            flushRuns(device, writes, bs);
        }
        device.flush();
        device.write(0, l.encode());
        device.flush();
        LOG.info("made a file system on {}: {}", BlockDevice.NAME_PREFIX + g.name(), l);
        return l;
    }

    /** Seals every block of a run of bitmap blocks. */
    static void sealEach(byte[] run, long firstBlock, int bs) {
        for (int k = 0; k * bs < run.length; k++) {
            byte[] one = java.util.Arrays.copyOfRange(run, k * bs, (k + 1) * bs);
            Checksums.sealTail(firstBlock + k, one);
            System.arraycopy(one, 0, run, k * bs, bs);
        }
    }

    private static void flushRuns(BlockDevice device, List<BlockWrite> writes, int bs) {
        List<BlockWrite> batch = new ArrayList<>();
        int bytes = 0;
        for (BlockWrite w : writes) {
            for (int off = 0; off < w.data().length; off += BlockDevice.MAX_TRANSFER_BYTES / 2) {
                int len = Math.min(BlockDevice.MAX_TRANSFER_BYTES / 2, w.data().length - off);
                byte[] part = new byte[len];
                System.arraycopy(w.data(), off, part, 0, len);
                if (bytes + len > BlockDevice.MAX_TRANSFER_BYTES) {
                    device.writeAll(batch);
                    batch = new ArrayList<>();
                    bytes = 0;
                }
                batch.add(new BlockWrite(w.block() + off / bs, part));
                bytes += len;
            }
        }
        if (!batch.isEmpty()) {
            device.writeAll(batch);
        }
        writes.clear();
    }

    /**
     * Makes the file system consistent: replays every group's journal (writing the blocks home)
     * and applies the last cross-group operation to every group that had not applied it.
     *
     * @param device the device
     * @param layout the file system
     * @return how many groups had transactions to replay or steps to apply
     * @throws FileSystemException if a step cannot be applied
     */
    static int recover(BlockDevice device, Layout layout) throws FileSystemException {
        int repaired = 0;
        List<GroupStore> stores = new ArrayList<>();
        for (int g = 0; g < layout.groups; g++) {
            GroupStore s = GroupStore.open(layout, g, device);
            if (s.replayed()) {
                repaired++;
            }
            stores.add(s);
        }
        Intent intent = Intent.decode(stores.get(0).header.intent());
        for (int g : intent.groups()) {
            GroupStore s = stores.get(g);
            if (s.header.lastApplied() < intent.seq()) {
                s.cross.apply(intent.seq(), intent.stepsOf(g));
                s.checkpoint();
                repaired++;
                LOG.info("recovery applied cross-group operation {} to group {}", intent.seq(), g);
            }
        }
        device.flush();
        return repaired;
    }
}
