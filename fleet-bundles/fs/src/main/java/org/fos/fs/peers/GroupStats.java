package org.fos.fs.peers;

/**
 * The space of one group, between members.
 *
 * @param group the group's number
 * @param dataBlocks the blocks of the group that can hold data
 * @param freeBlocks the free ones
 * @param inodes how many inodes it has
 * @param freeInodes the free ones
 */
public record GroupStats(int group, long dataBlocks, long freeBlocks, long inodes, long freeInodes) {
}
