package org.fos.fs.api;

import java.util.List;

/**
 * What a file-system check found.
 *
 * @param clean true if no problem was found
 * @param problems one sentence a problem, naming the inode, block or entry at fault (at most
 *        1000; {@code problemCount} counts them all)
 * @param problemCount how many problems were found
 * @param files regular files reachable from the root
 * @param directories directories reachable from the root, the root included
 * @param usedBlocks blocks in use (metadata areas included)
 * @param freeBlocks free blocks
 */
public record FsckReport(boolean clean, List<String> problems, long problemCount, long files, long directories,
        long usedBlocks, long freeBlocks) {
}
