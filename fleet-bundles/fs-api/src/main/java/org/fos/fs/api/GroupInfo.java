package org.fos.fs.api;

/**
 * One group of a file system as its owner sees it: its space and its journal.
 *
 * @param group the group's number
 * @param owner the mailbox address of the member that owns the group, such as {@code n1:3}
 * @param dataBlocks the blocks of the group that can hold data
 * @param freeBlocks the free ones
 * @param inodes how many inodes it has
 * @param freeInodes the free ones
 * @param journalBlocks the blocks of the group's journal that can hold transactions
 * @param journalUsedBlocks the blocks the transactions since the last checkpoint take
 * @param journalTransactions how many transactions the journal holds since its last checkpoint
 *        (they are applied home at the next checkpoint, or replayed after a crash)
 * @param nextTransaction the number the group's next transaction gets: how many it has committed
 *        since the file system was created, plus one
 */
public record GroupInfo(int group, String owner, long dataBlocks, long freeBlocks, long inodes, long freeInodes, int journalBlocks,
        int journalUsedBlocks, long journalTransactions, long nextTransaction) {
}
