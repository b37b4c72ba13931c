package org.fos.fs.api;

/**
 * How far {@link FileSystemFleet#walk} resolved a path in one call.
 *
 * @param consumed how many of the names were resolved, from 0 to all of them
 * @param entry what the last resolved name names (the start directory when none was resolved)
 * @param directory the directory the last name was found in (where a symbolic link's relative target
 *        starts); the start directory when none was resolved
 * @param attributes the attributes of the entry reached, when its inode lives in a group the member
 *        could read; else null (ask {@link FileSystemFleet#stat})
 */
public record Walked(int consumed, DirEntry entry, long directory, Attributes attributes) {
}
