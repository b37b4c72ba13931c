package org.fos.fs.engine;

import java.nio.file.FileSystemException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fos.block.api.BlockDevice;
import org.fos.block.api.BlockWrite;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FsckReport;
import org.fos.fs.api.RepairReport;

/**
 * Checks a file system on its device, and repairs it if asked. It reads every structure and reports
 * every problem it finds, going on past damaged blocks: the superblock, every group's header,
 * journal and bitmaps, every checksum, the tree from the root (every entry names an allocated inode
 * of its type, names are valid and unique, every directory names its parent, no directory is
 * reached twice), link counts, and that every block is held by exactly the inode the bitmaps say
 * (nothing leaked, nothing shared, nothing past a file's end), and that the last cross-group
 * operation was applied everywhere. Files deleted while open (allocated, no links, no entry) are
 * not problems: their last close, or the next load of their group, frees them.
 *
 * <p>With repair, each problem that has a safe fix records it (a block image to write); the fixes
 * are written together and the device flushed, then the check runs again. The device must be quiet:
 * the fleet freezes its members first, and they reload their groups afterwards.
 */
final class Fsck {
    private static final int MAX_PROBLEMS = 1000;

    private final BlockDevice device;
    private final List<String> problems = new ArrayList<>();
    private long problemCount;
    private final List<String> repaired = new ArrayList<>();
    private final List<String> notRepaired = new ArrayList<>();
    private final Map<Long, byte[]> patch = new LinkedHashMap<>();
    private final Map<Long, Inode> edits = new HashMap<>();
    private final Set<Long> lent;
    private Layout layout;

    private Fsck(BlockDevice device, Set<Long> lent) {
        this.device = device;
        this.lent = lent;
    }

    static FsckReport check(BlockDevice device) {
        return check(device, Set.of());
    }

    /**
     * Checks.
     *
     * @param lent blocks lent to the members' groups and not yet used by a file: in use, held by no inode
     */
    static FsckReport check(BlockDevice device, Set<Long> lent) {
        return new Fsck(device, lent).run();
    }

    static RepairReport repair(BlockDevice device) {
        return repair(device, Set.of());
    }

    /** Checks, repairs what can be repaired, and checks again. */
    static RepairReport repair(BlockDevice device, Set<Long> lent) {
        Fsck f = new Fsck(device, lent);
        FsckReport before = f.run();
        if (f.patch.isEmpty()) {
            return new RepairReport(before, List.of(), List.copyOf(f.notRepaired), null);
        }
        f.write();
        FsckReport after = new Fsck(device, lent).run();
        return new RepairReport(before, List.copyOf(f.repaired), List.copyOf(f.notRepaired), after);
    }

    private void problem(String text) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        }
    }

    /** A problem no fix is attempted for. */
    private void unfixable(String text, String why) {
        problem(text);
        notRepaired.add(text + ": " + why);
    }

    /** A problem with its fix. */
    private void fixable(String text, String fix, Runnable apply) {
        problem(text);
        apply.run();
        repaired.add(text + ": " + fix);
    }

    // ---------------------------------------------------------------- the patch

    private byte[] image(long block) {
        return patch.computeIfAbsent(block, b -> device.read(b, 1));
    }

    private void patchBit(long bitmapStart, int index, boolean value) {
        int bits = layout.bitsPerBitmapBlock();
        byte[] map = image(bitmapStart + index / bits);
        int j = index % bits;
        if (value) {
            map[j >>> 3] |= (byte) (1 << (j & 7));
        } else {
            map[j >>> 3] &= (byte) ~(1 << (j & 7));
        }
    }

    /** Writes an inode into the patch; every fix of one inode works on the same copy. */
    private void patchInode(GroupStore s, Inode i) {
        i.encode(image(s.tableBlock(i.number)), s.tableOffset(i.number));
    }

    /** The copy of an inode that the fixes change. */
    private Inode edit(Inode i) {
        return edits.computeIfAbsent(i.number, n -> i);
    }

    private void write() {
        List<BlockWrite> writes = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : patch.entrySet()) {
            int g = layout.groupOfBlock(e.getKey());
            if (g >= 0) {
                Checksums.seal(layout, g, e.getKey(), e.getValue());
            }
            writes.add(new BlockWrite(e.getKey(), e.getValue()));
        }
        device.flush();
        for (BlockWrite w : writes) {
            device.write(w.block(), w.data());
        }
        device.flush();
    }

    // ---------------------------------------------------------------- the check

    private FsckReport run() {
        try {
            layout = Volume.layout(device);
        } catch (FileSystemException e) {
            unfixable(e.getReason() != null ? e.getReason() : e.getMessage(), "the superblock is not repaired: restore the device");
            return report(0, 0, 0, 0);
        }
        if (layout == null) {
            unfixable("the device holds no fos file system (no superblock)", "nothing to repair");
            return report(0, 0, 0, 0);
        }
        List<GroupStore> groups = new ArrayList<>();
        for (int g = 0; g < layout.groups; g++) {
            GroupStore s = GroupStore.inspect(layout, g, device);
            if (s.journalError() != null) {
                unfixable("the journal of group " + g + " cannot be read: " + s.journalError(), "a journal header is not repaired");
            }
            try {
                s.header.check();
            } catch (RuntimeException e) {
                unfixable(e.getMessage(), "a group header is not repaired");
            }
            if (s.pendingJournal() > 0) {
                unfixable("the journal of group " + g + " holds " + s.pendingJournal() + " blocks not yet written home",
                        "mounting the file system replays it");
            }
            groups.add(s);
        }
        checkIntent(groups);
        Tree tree = new Tree();
        walk(groups, tree);
        long[] space = inodesAndBlocks(groups, tree);
        return report(tree.files, tree.directories, space[0], space[1]);
    }

    private void checkIntent(List<GroupStore> groups) {
        try {
            Intent intent = Intent.decode(groups.get(0).header.intent());
            for (int g : intent.groups()) {
                if (g < 0 || g >= groups.size()) {
                    unfixable("the last cross-group operation names group " + g + ", which does not exist", "not repaired");
                } else if (groups.get(g).header.lastApplied() < intent.seq()) {
                    unfixable("cross-group operation " + intent.seq() + " is not applied to group " + g, "mounting the file system applies it");
                }
            }
        } catch (RuntimeException e) {
            unfixable("the last cross-group operation cannot be read: " + e.getMessage(), "not repaired");
        }
    }

    /** What the walk of the tree found. */
    private static final class Tree {
        final Map<Long, Integer> references = new HashMap<>();
        final Set<Long> damaged = new HashSet<>();
        long files;
        long directories;
    }

    private Inode inode(List<GroupStore> groups, long number, Tree tree) {
        if (!layout.isValidInode(number)) {
            return null;
        }
        GroupStore s = groups.get(FileSystemFleet.groupOf(number));
        try {
            return s.inode(s.begin(), number);
        } catch (Checksums.Damaged e) {
            tree.damaged.add(number);
            return null;
        }
    }

    private void walk(List<GroupStore> groups, Tree tree) {
        Set<Long> seen = new HashSet<>();
        Deque<Long> todo = new ArrayDeque<>();
        Inode root = inode(groups, FileSystemFleet.ROOT, tree);
        if (root == null || !root.isDirectory()) {
            unfixable("the root directory (inode 1) is " + (root == null ? "damaged" : "not a directory"),
                    "the root is not rebuilt: copy what the check reaches off, and format again");
            return;
        }
        todo.add(FileSystemFleet.ROOT);
        seen.add(FileSystemFleet.ROOT);
        while (!todo.isEmpty()) {
            long dir = todo.poll();
            tree.directories++;
            GroupStore s = groups.get(FileSystemFleet.groupOf(dir));
            Inode d = inode(groups, dir, tree);
            if (d == null) {
                continue;
            }
            Set<String> names = new HashSet<>();
            long blocks = d.size / layout.blockSize;
            for (long i = 0; i < blocks; i++) {
                long p;
                List<DirEntry> entries;
                try {
                    p = s.maps.map(s.begin(), d, i, false, new boolean[1]);
                    if (p == 0) {
                        continue;
                    }
                    entries = DirBlock.decode(s.begin().read(p));
                } catch (FileSystemException | RuntimeException e) {
                    damagedDirectoryBlock(s, d, i, e);
                    continue;
                }
                List<DirEntry> keep = new ArrayList<>();
                boolean changed = false;
                for (DirEntry e : entries) {
                    DirEntry kept = checkEntry(groups, tree, dir, e, names, seen, todo);
                    if (kept == null) {
                        changed = true;
                    } else {
                        changed |= !kept.equals(e);
                        keep.add(kept);
                    }
                }
                if (changed) {
                    byte[] img = DirBlock.encode(keep, layout.blockSize);
                    System.arraycopy(img, 0, image(p), 0, img.length - Layout.TAIL);
                }
            }
        }
    }

    private void damagedDirectoryBlock(GroupStore s, Inode d, long i, Exception e) {
        String what = "block " + i + " of directory " + d.number + " cannot be read (" + e.getMessage() + ")";
        try {
            long p = s.maps.map(s.begin(), d, i, false, new boolean[1]);
            if (p != 0 && layout.groupOfBlock(p) == s.group) {
                fixable(what, "emptied; the files it named are freed when their group is next loaded",
                        () -> System.arraycopy(DirBlock.encode(List.of(), layout.blockSize), 0, image(p), 0, layout.blockSize));
                return;
            }
        } catch (FileSystemException | RuntimeException again) {
            // the map itself is damaged: reported with the inode's blocks
        }
        unfixable(what, "its place is not known");
    }

    /** Checks one entry; returns it as it should be, or null to remove it. */
    private DirEntry checkEntry(List<GroupStore> groups, Tree tree, long dir, DirEntry e, Set<String> names, Set<Long> seen,
            Deque<Long> todo) {
        String where = "entry '" + e.name() + "' of directory " + dir;
        try {
            FsErrors.checkName(e.name());
        } catch (IllegalArgumentException bad) {
            fixable(where + " has a bad name: " + bad.getMessage(), "removed", () -> { });
            return null;
        }
        if (!names.add(e.name())) {
            fixable(where + " appears twice", "the second one removed", () -> { });
            return null;
        }
        Inode i = inode(groups, e.inode(), tree);
        if (i == null) {
            String why = tree.damaged.contains(e.inode()) ? "inode " + e.inode() + ", which is damaged (checksum)"
                    : "inode " + e.inode() + ", which is not an inode of this file system";
            fixable(where + " names " + why, "removed", () -> { });
            return null;
        }
        GroupStore owner = groups.get(FileSystemFleet.groupOf(e.inode()));
        if (i.isFree() || !owner.inodeAllocated(Layout.indexOf(e.inode()))) {
            fixable(where + " names inode " + e.inode() + ", which is free", "removed", () -> { });
            return null;
        }
        DirEntry out = e;
        if (i.fileType() != e.type()) {
            DirEntry fixed = new DirEntry(e.name(), e.inode(), i.fileType());
            fixable(where + " says " + e.type() + " but inode " + e.inode() + " is a " + i.fileType(), "set to " + i.fileType(), () -> { });
            out = fixed;
        }
        if (i.isDirectory()) {
            if (!seen.add(e.inode())) {
                fixable("directory " + e.inode() + " is reached twice (" + where + "): a cycle or a second link", "this entry removed",
                        () -> { });
                return null;
            }
            if (i.parent != dir) {
                long wrong = i.parent;
                fixable("directory " + e.inode() + " (" + where + ") names " + wrong + " as its parent", "set to " + dir, () -> {
                    Inode x = edit(i);
                    x.parent = dir;
                    patchInode(owner, x);
                });
            }
            todo.add(e.inode());
        } else {
            tree.files++;
        }
        tree.references.merge(e.inode(), 1, Integer::sum);
        return out;
    }

    private long[] inodesAndBlocks(List<GroupStore> groups, Tree tree) {
        Map<Long, Long> owner = new HashMap<>();
        for (long b : lent) {
            owner.put(b, 0L);
        }
        Set<Long> inUse = new HashSet<>();
        for (GroupStore s : groups) {
            for (int idx = 1; idx < layout.inodesPerGroup; idx++) {
                checkInode(s, idx, tree, owner, inUse);
            }
        }
        long used = 0;
        long free = 0;
        for (GroupStore s : groups) {
            int g = s.group;
            for (int b = 0; b < layout.blocksPerGroup; b++) {
                long block = layout.groupStart(g) + b;
                boolean marked;
                try {
                    marked = s.blockUsed(b);
                } catch (Checksums.Damaged e) {
                    marked = b < layout.metaBlocks || owner.containsKey(block);
                    int index = b;
                    boolean value = marked;
                    fixable("the block bitmap of group " + g + " is damaged at block " + block + " (" + e.getMessage() + ")",
                            "rebuilt from what the inodes hold", () -> patchBit(layout.blockBitmapStart(g), index, value));
                }
                if (marked) {
                    used++;
                } else {
                    free++;
                }
                int index = b;
                if (b < layout.metaBlocks) {
                    if (!marked) {
                        fixable("metadata block " + block + " of group " + g + " is marked free", "marked in use",
                                () -> patchBit(layout.blockBitmapStart(g), index, true));
                    }
                } else if (marked && !owner.containsKey(block)) {
                    fixable("block " + block + " is marked in use but no inode holds it", "marked free",
                            () -> patchBit(layout.blockBitmapStart(g), index, false));
                } else if (!marked && owner.containsKey(block)) {
                    fixable("block " + block + " is held by inode " + owner.get(block) + " but marked free", "marked in use",
                            () -> patchBit(layout.blockBitmapStart(g), index, true));
                }
            }
        }
        return new long[] {used, free};
    }

    private void checkInode(GroupStore s, int idx, Tree tree, Map<Long, Long> owner, Set<Long> inUse) {
        int g = s.group;
        long number = Layout.inode(g, idx);
        boolean allocated;
        try {
            allocated = s.inodeAllocated(idx);
        } catch (Checksums.Damaged e) {
            allocated = tree.references.containsKey(number);
            boolean value = allocated;
            fixable("the inode bitmap of group " + g + " is damaged (" + e.getMessage() + ")", "rebuilt from the inode table",
                    () -> patchBit(layout.inodeBitmapStart(g), idx, value));
        }
        Inode i;
        try {
            i = s.inode(s.begin(), number);
        } catch (Checksums.Damaged e) {
            fixable("inode " + number + " is damaged (" + e.getMessage() + ")", "cleared and marked free, its entries removed", () -> {
                Inode cleared = new Inode(number);
                patchInode(s, cleared);
                patchBit(layout.inodeBitmapStart(g), idx, false);
            });
            return;
        }
        if (allocated != !i.isFree()) {
            boolean value = !i.isFree();
            fixable("inode " + number + " is " + (allocated ? "marked in use but free in its table" : "in use in its table but marked free"),
                    value ? "marked in use" : "marked free", () -> patchBit(layout.inodeBitmapStart(g), idx, value));
        }
        if (i.isFree()) {
            return;
        }
        inUse.add(number);
        int refs = tree.references.getOrDefault(number, 0);
        if (number == FileSystemFleet.ROOT) {
            refs = 1;
        }
        if (refs == 0 && i.links > 0) {
            fixable("inode " + number + " (a " + i.fileType() + " with " + i.links + " links) is in use but no directory names it",
                    "its links set to 0: its group frees it when it is next loaded", () -> {
                        Inode x = edit(i);
                        x.links = 0;
                        patchInode(s, x);
                    });
        } else if (refs > 0 && i.links != refs) {
            int to = refs;
            fixable("inode " + number + " has " + i.links + " links but " + refs + " entries name it", "set to " + refs, () -> {
                Inode x = edit(i);
                x.links = to;
                patchInode(s, x);
            });
        }
        checkBlocks(s, i, owner);
    }

    private void checkBlocks(GroupStore s, Inode i, Map<Long, Long> owner) {
        List<Long> held;
        Set<Long> index;
        try {
            held = s.maps.blocksOf(s.begin(), i);
            index = new HashSet<>(s.maps.indexBlocksOf(s.begin(), i));
        } catch (Checksums.Damaged e) {
            fixable("inode " + i.number + " has a damaged index block (" + e.getMessage() + ")",
                    "its indirect pointers cleared: the file keeps its size, the part they mapped reads as zeros", () -> {
                        Inode x = edit(i);
                        x.indirect = 0;
                        x.doubleIndirect = 0;
                        x.blocks = 0;
                        for (int p : x.direct) {
                            if (p != 0) {
                                x.blocks++;
                            }
                        }
                        patchInode(s, x);
                    });
            return;
        }
        if (held.size() != i.blocks) {
            int to = held.size();
            fixable("inode " + i.number + " counts " + i.blocks + " blocks but holds " + held.size(), "set to " + held.size(), () -> {
                Inode x = edit(i);
                x.blocks = to;
                patchInode(s, x);
            });
        }
        for (long b : held) {
            int g = layout.groupOfBlock(b);
            boolean inData = g >= 0 && b - layout.groupStart(g) >= layout.metaBlocks;
            boolean ownGroupNeeded = i.isDirectory();
            if (!inData || (ownGroupNeeded && g != s.group)) {
                unfixable("inode " + i.number + " holds block " + b + ", outside " + (ownGroupNeeded ? "its group's" : "any group's")
                        + " data blocks", "a block map pointing elsewhere is not guessed at");
                continue;
            }
            Long other = owner.put(b, i.number);
            if (other != null && other != 0L) {
                unfixable("block " + b + " is held by inodes " + other + " and " + i.number, "which inode it belongs to is not known");
            }
        }
        try {
            long last = s.maps.lastMapped(s.begin(), i);
            if (last >= 0 && last * layout.blockSize >= i.size) {
                unfixable("inode " + i.number + " maps block " + last + ", past its size of " + i.size + " bytes",
                        "the size is not guessed at");
            }
            if (i.isDirectory() && i.size % layout.blockSize != 0) {
                unfixable("directory " + i.number + " has a size of " + i.size + ", not a whole number of blocks", "not repaired");
            }
        } catch (FileSystemException | RuntimeException e) {
            unfixable("inode " + i.number + " has a broken block map: " + e.getMessage(), "not repaired");
        }
    }

    private FsckReport report(long files, long directories, long used, long free) {
        return new FsckReport(problemCount == 0, List.copyOf(problems), problemCount, files, directories, used, free);
    }
}
