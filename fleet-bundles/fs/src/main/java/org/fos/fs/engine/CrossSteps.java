package org.fos.fs.engine;

import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileType;
import org.fos.fs.peers.Probe;
import org.fos.fs.peers.ProbeResult;
import org.fos.fs.peers.Step;

/**
 * A group's part in operations that span groups: it answers the coordinator's probes and applies
 * the steps of a committed operation, once (the group header keeps the last one applied). Not
 * thread-safe: the owning member's thread alone uses it.
 */
final class CrossSteps {
    private final GroupStore store;

    CrossSteps(GroupStore store) {
        this.store = store;
    }

    ProbeResult probe(Probe p) throws FileSystemException {
        switch (p.kind()) {
            case ENTRY: {
                Tx ro = store.begin();
                store.checkMine(p.dir());
                Inode d = store.inode(ro, p.dir());
                if (d.isFree()) {
                    return new ProbeResult(ProbeResult.Status.NO_DIRECTORY, 0, null, 0, false);
                }
                if (!d.isDirectory()) {
                    return new ProbeResult(ProbeResult.Status.NOT_DIRECTORY, 0, null, 0, false);
                }
                DirEntry e = store.dirs.of(ro, d).entries.get(FsErrors.checkName(p.name()));
                return e == null ? new ProbeResult(ProbeResult.Status.ABSENT, 0, null, 0, false)
                        : new ProbeResult(ProbeResult.Status.FOUND, e.inode(), e.type(), 0, false);
            }
            case INODE: {
                Tx ro = store.begin();
                Inode i = store.inode(ro, p.inode());
                if (i.isFree() || (i.links == 0 && !i.isDirectory())) {
                    return new ProbeResult(ProbeResult.Status.ABSENT, p.inode(), null, 0, false);
                }
                return new ProbeResult(ProbeResult.Status.FOUND, p.inode(), i.fileType(), i.parent,
                        i.isDirectory() && store.isEmptyDirectory(ro, i));
            }
            case RESERVE: {
                try {
                    return new ProbeResult(ProbeResult.Status.FOUND, store.alloc.reserveInode(store.begin()), FileType.DIRECTORY, 0, true);
                } catch (FileSystemException full) {
                    return new ProbeResult(ProbeResult.Status.FULL, 0, null, 0, false);
                }
            }
            default:
                throw new IllegalArgumentException("unknown probe " + p.kind());
        }
    }

    /**
     * Applies a cross-group operation's steps for this group in one transaction, with the
     * operation's sequence number as the last one applied; does nothing if it was applied already.
     */
    void apply(long seq, List<Step> steps) throws FileSystemException {
        if (seq <= store.header.lastApplied()) {
            return;
        }
        List<Long> orphaned = new ArrayList<>();
        long now = System.currentTimeMillis();
        store.inTx(tx -> {
            for (Step s : steps) {
                applyStep(tx, s, orphaned);
            }
            store.header.applied(tx, seq);
            return null;
        });
        store.reclaim(orphaned, now);
    }

    private void applyStep(Tx tx, Step s, List<Long> orphaned) throws FileSystemException {
        switch (s.kind()) {
            case PUT: {
                Inode d = store.inode(tx, s.dir());
                store.dirRemove(tx, d, s.name(), s.timeMillis());
                store.dirAdd(tx, store.inode(tx, s.dir()), new DirEntry(s.name(), s.inode(), s.type()), s.timeMillis());
                break;
            }
            case REMOVE:
                store.dirRemove(tx, store.inode(tx, s.dir()), s.name(), s.timeMillis());
                break;
            case INIT_DIRECTORY:
                if (store.inode(tx, s.inode()).isFree()) {
                    store.alloc.takeReserved(tx, s.inode());
                    Inode n = store.newInode(tx, s.inode(), Inode.DIRECTORY, s.parent(), s.mode(), s.uid(), s.gid(), s.timeMillis());
                    store.put(tx, n);
                } else {
                    store.alloc.release(s.inode());
                }
                break;
            case SET_PARENT: {
                Inode i = store.inode(tx, s.inode());
                i.parent = s.parent();
                i.changed = s.timeMillis();
                store.put(tx, i);
                break;
            }
            case DROP:
                store.drop(tx, store.inode(tx, s.inode()), s.timeMillis(), orphaned);
                break;
            case LINK: {
                Inode i = store.inode(tx, s.inode());
                if (!i.isFree()) {
                    i.links++;
                    i.changed = s.timeMillis();
                    store.put(tx, i);
                }
                break;
            }
            default:
                throw new IllegalArgumentException("unknown step " + s.kind());
        }
    }
}
