package org.fos.fs.engine;

import java.nio.file.FileSystemException;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;

/** Short forms of a group's calls for tests. */
final class Ops {
    private Ops() {
    }

    static DirEntry create(GroupStore g, long dir, String name, boolean exclusive, long now) throws FileSystemException {
        int flags = FileSystemFleet.OPEN_CREATE | (exclusive ? FileSystemFleet.OPEN_EXCLUSIVE : 0);
        return g.open(dir, name, flags, 0644, 0, 0, now).entry();
    }
}
