package org.fos.fs.api;

/**
 * One entry of a directory.
 *
 * @param name the entry's name: 1 to {@value FileSystemFleet#MAX_NAME_BYTES} bytes of UTF-8,
 *        without {@code /} or NUL, neither {@code .} nor {@code ..}
 * @param inode the inode it names
 * @param type what the inode holds
 */
public record DirEntry(String name, long inode, FileType type) {
}
