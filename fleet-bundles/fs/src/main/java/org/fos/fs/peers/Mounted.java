package org.fos.fs.peers;

/**
 * Between members: the coordinator's answer once the file system is mounted. Not for applications.
 *
 * @param fence the first cross-group operation number of this coordinator: members refuse pins of
 *        lower numbers, which a replaced coordinator may have left in flight
 * @param groups how many groups the file system has
 */
public record Mounted(long fence, int groups) {
}
