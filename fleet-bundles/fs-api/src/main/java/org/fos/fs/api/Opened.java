package org.fos.fs.api;

/**
 * What {@link FileSystemFleet#open} answers: the entry opened and its attributes afterwards. For a
 * regular file the open is counted until {@link FileSystemFleet#close}: a file deleted while open
 * lives on until its last close. A symbolic link or a directory is not counted: the caller follows
 * the link or lists the directory.
 *
 * @param entry the entry the name holds
 * @param attributes its attributes, after any truncation
 * @param created whether this call created the file
 */
public record Opened(DirEntry entry, Attributes attributes, boolean created) {
}
