package org.fos.fs.impl;

import java.nio.file.FileSystemException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fos.block.api.BlockDevice;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.FsckReport;

/**
 * Checks a file system on its device without changing it: the superblock, every group's header,
 * journal and bitmaps, the tree from the root (every entry names an allocated inode of its type,
 * every directory names its parent, no directory is reached twice), link counts, and that every
 * block is held by exactly the inode the bitmap says (nothing leaked, nothing shared, nothing past
 * a file's end), and that the last cross-group operation was applied everywhere. The device must
 * be quiet: the fleet freezes its members first.
 */
final class Fsck {
    private static final int MAX_PROBLEMS = 1000;

    private final BlockDevice device;
    private final List<String> problems = new ArrayList<>();
    private long problemCount;

    private Fsck(BlockDevice device) {
        this.device = device;
    }

    static FsckReport check(BlockDevice device) {
        return new Fsck(device).run();
    }

    private void problem(String text) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        }
    }

    private FsckReport run() {
        Layout layout;
        try {
            layout = Volume.layout(device);
        } catch (FileSystemException e) {
            problem(e.getMessage());
            return report(0, 0, 0, 0);
        }
        if (layout == null) {
            problem("the device holds no fos file system (no superblock)");
            return report(0, 0, 0, 0);
        }
        List<GroupStore> groups = new ArrayList<>();
        for (int g = 0; g < layout.groups; g++) {
            GroupStore s = GroupStore.inspect(layout, g, device);
            try {
                s.checkHeader();
            } catch (IllegalStateException e) {
                problem(e.getMessage());
            }
            if (s.pendingJournal() > 0) {
                problem("the journal of group " + g + " holds " + s.pendingJournal() + " blocks not yet written home");
            }
            groups.add(s);
        }
        Intent intent = Intent.decode(groups.get(0).intent());
        for (int g : intent.groups()) {
            if (g < 0 || g >= groups.size()) {
                problem("the last cross-group operation names group " + g + ", which does not exist");
            } else if (groups.get(g).lastApplied() < intent.seq()) {
                problem("cross-group operation " + intent.seq() + " is not applied to group " + g);
            }
        }

        // the tree
        Map<Long, Integer> references = new HashMap<>();
        Set<Long> seenDirectories = new HashSet<>();
        Deque<Long> todo = new ArrayDeque<>();
        todo.add(FileSystemFleet.ROOT);
        seenDirectories.add(FileSystemFleet.ROOT);
        long files = 0;
        long directories = 0;
        Inode root = inode(groups, layout, FileSystemFleet.ROOT);
        if (root == null || !root.isDirectory()) {
            problem("the root directory (inode 1) is missing or not a directory");
            todo.clear();
        }
        while (!todo.isEmpty()) {
            long dir = todo.poll();
            directories++;
            List<DirEntry> entries;
            try {
                entries = groups.get(FileSystemFleet.groupOf(dir)).entries(dir);
            } catch (FileSystemException | RuntimeException e) {
                problem("directory " + dir + " cannot be read: " + e.getMessage());
                continue;
            }
            Set<String> names = new HashSet<>();
            for (DirEntry e : entries) {
                String where = "entry '" + e.name() + "' of directory " + dir;
                try {
                    FsErrors.checkName(e.name());
                } catch (IllegalArgumentException bad) {
                    problem(where + " has a bad name: " + bad.getMessage());
                }
                if (!names.add(e.name())) {
                    problem(where + " appears twice");
                }
                Inode i = inode(groups, layout, e.inode());
                if (i == null) {
                    problem(where + " names inode " + e.inode() + ", which is not an inode of this file system");
                    continue;
                }
                if (i.isFree() || !groups.get(FileSystemFleet.groupOf(e.inode())).inodeAllocated(Layout.indexOf(e.inode()))) {
                    problem(where + " names inode " + e.inode() + ", which is free");
                    continue;
                }
                if (i.fileType() != e.type()) {
                    problem(where + " says " + e.type() + " but inode " + e.inode() + " is a " + i.fileType());
                }
                references.merge(e.inode(), 1, Integer::sum);
                if (i.isDirectory()) {
                    if (i.parent != dir) {
                        problem("directory " + e.inode() + " (" + where + ") names " + i.parent + " as its parent");
                    }
                    if (seenDirectories.add(e.inode())) {
                        todo.add(e.inode());
                    } else {
                        problem("directory " + e.inode() + " is reached twice (" + where + "): a cycle or a second link");
                    }
                } else {
                    files++;
                }
            }
        }

        // inodes and blocks
        Map<Long, Long> owner = new HashMap<>();
        long used = 0;
        long free = 0;
        for (GroupStore s : groups) {
            int g = s.group;
            for (int idx = 1; idx < layout.inodesPerGroup; idx++) {
                long number = Layout.inode(g, idx);
                boolean allocated = s.inodeAllocated(idx);
                Inode i = s.inode(s.begin(), number);
                if (allocated != !i.isFree()) {
                    problem("inode " + number + " is " + (allocated ? "marked in use but free in its table" : "in use in its table but marked free"));
                }
                if (i.isFree()) {
                    continue;
                }
                int refs = references.getOrDefault(number, 0);
                if (number == FileSystemFleet.ROOT) {
                    refs = 1;
                }
                if (refs == 0) {
                    problem("inode " + number + " (a " + i.fileType() + ") is in use but no directory names it");
                } else if (i.links != refs) {
                    problem("inode " + number + " has " + i.links + " links but " + refs + " entries name it");
                }
                checkBlocks(s, layout, i, owner);
            }
            for (int b = 0; b < layout.blocksPerGroup; b++) {
                long block = layout.groupStart(g) + b;
                boolean inUse = s.blockUsed(b);
                if (inUse) {
                    used++;
                } else {
                    free++;
                }
                if (b < layout.metaBlocks) {
                    if (!inUse) {
                        problem("metadata block " + block + " of group " + g + " is marked free");
                    }
                } else if (inUse && !owner.containsKey(block)) {
                    problem("block " + block + " is marked in use but no inode holds it");
                } else if (!inUse && owner.containsKey(block)) {
                    problem("block " + block + " is held by inode " + owner.get(block) + " but marked free");
                }
            }
        }
        return report(files, directories, used, free);
    }

    private void checkBlocks(GroupStore s, Layout layout, Inode i, Map<Long, Long> owner) {
        List<Long> blocks = s.blocksOf(i);
        if (blocks.size() != i.blocks) {
            problem("inode " + i.number + " counts " + i.blocks + " blocks but holds " + blocks.size());
        }
        for (long b : blocks) {
            if (layout.groupOfBlock(b) != s.group || b - layout.groupStart(s.group) < layout.metaBlocks) {
                problem("inode " + i.number + " holds block " + b + ", outside its group's data blocks");
                continue;
            }
            Long other = owner.put(b, i.number);
            if (other != null) {
                problem("block " + b + " is held by inodes " + other + " and " + i.number);
            }
        }
        try {
            long last = s.lastMapped(i);
            long size = i.size;
            if (last >= 0 && last * layout.blockSize >= size) {
                problem("inode " + i.number + " maps block " + last + ", past its size of " + size + " bytes");
            }
            if (i.isDirectory() && i.size % layout.blockSize != 0) {
                problem("directory " + i.number + " has a size of " + i.size + ", not a whole number of blocks");
            }
        } catch (FileSystemException e) {
            problem("inode " + i.number + " has a broken block map: " + e.getMessage());
        }
    }

    private static Inode inode(List<GroupStore> groups, Layout layout, long number) {
        if (!layout.isValidInode(number)) {
            return null;
        }
        GroupStore s = groups.get(FileSystemFleet.groupOf(number));
        return s.inode(s.begin(), number);
    }

    private FsckReport report(long files, long directories, long used, long free) {
        return new FsckReport(problemCount == 0, List.copyOf(problems), problemCount, files, directories, used, free);
    }

}
