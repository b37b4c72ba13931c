package org.fos.naming.api;

import java.util.List;

import org.fos.kernel.api.NameEntry;

/**
 * What {@link NameService#watch} answers.
 *
 * @param number the number of the last change sent to the watcher before this snapshot
 * @param members the name's members now
 */
public record WatchStart(long number, List<NameEntry> members) {
}
