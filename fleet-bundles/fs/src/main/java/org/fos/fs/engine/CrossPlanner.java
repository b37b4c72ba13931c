package org.fos.fs.engine;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.peers.CrossOp;
import org.fos.fs.peers.Probe;
import org.fos.fs.peers.ProbeResult;
import org.fos.fs.peers.Step;

/**
 * Decides a cross-group operation from what the groups answered: either more facts to ask for
 * (which also pins the groups asked), or the error to answer with, or the steps each group applies.
 * A pure function of the operation and the facts, so that every rule is tested without a fleet.
 */
final class CrossPlanner {

    /** A probe and the group whose owner answers it. */
    record Ask(int group, Probe probe) {
    }

    /** What the planner decided. */
    record Plan(List<Ask> asks, Exception error, List<Intent.GroupStep> steps, DirEntry result) {
        static Plan ask(List<Ask> asks) {
            return new Plan(asks, null, null, null);
        }

        static Plan fail(Exception e) {
            return new Plan(null, e, null, null);
        }

        static Plan steps(List<Intent.GroupStep> steps, DirEntry result) {
            return new Plan(null, null, steps, result);
        }
    }

    private CrossPlanner() {
    }

    static Probe entry(long dir, String name) {
        return new Probe(Probe.Kind.ENTRY, dir, name, 0);
    }

    static Probe inode(long inode) {
        return new Probe(Probe.Kind.INODE, 0, null, inode);
    }

    /** A reservation in a group; the group travels in the inode field. */
    static Probe reserve(int group) {
        return new Probe(Probe.Kind.RESERVE, 0, null, group);
    }

    static Plan plan(CrossOp op, Map<Probe, ProbeResult> facts, long now) {
        return switch (op.kind()) {
            case MKDIR -> mkdir(op, facts, now);
            case DELETE -> delete(op, facts, now);
            case RENAME -> rename(op, facts, now);
            case LINK -> link(op, facts, now);
        };
    }

    private static Exception directoryProblem(ProbeResult r, long dir, String name) {
        return switch (r.status()) {
            case NO_DIRECTORY -> new NoSuchFileException(FsErrors.where(dir));
            case NOT_DIRECTORY -> new NotDirectoryException(FsErrors.where(dir));
            default -> null;
        };
    }

    private static Plan mkdir(CrossOp op, Map<Probe, ProbeResult> facts, long now) {
        Probe e = entry(op.dir(), op.name());
        Probe r = reserve(op.group());
        if (!facts.containsKey(e) || !facts.containsKey(r)) {
            return Plan.ask(List.of(new Ask(FileSystemFleet.groupOf(op.dir()), e), new Ask(op.group(), r)));
        }
        ProbeResult entry = facts.get(e);
        Exception bad = directoryProblem(entry, op.dir(), op.name());
        if (bad != null) {
            return Plan.fail(bad);
        }
        if (entry.status() == ProbeResult.Status.FOUND) {
            return Plan.fail(new FileAlreadyExistsException(FsErrors.where(op.dir(), op.name())));
        }
        ProbeResult reserved = facts.get(r);
        if (reserved.status() != ProbeResult.Status.FOUND) {
            return Plan.fail(new FileSystemException(null, null, "no space left on the device: group " + op.group()
                    + " has no free inode for the new directory"));
        }
        long ino = reserved.inode();
        return Plan.steps(List.of(
                new Intent.GroupStep(op.group(), new Step(Step.Kind.INIT_DIRECTORY, 0, null, ino, FileType.DIRECTORY, op.dir(), now,
                        op.mode(), op.uid(), op.gid())),
                new Intent.GroupStep(FileSystemFleet.groupOf(op.dir()),
                        new Step(Step.Kind.PUT, op.dir(), op.name(), ino, FileType.DIRECTORY, 0, now, 0, 0, 0))),
                new DirEntry(op.name(), ino, FileType.DIRECTORY));
    }

    private static Plan delete(CrossOp op, Map<Probe, ProbeResult> facts, long now) {
        Probe e = entry(op.dir(), op.name());
        if (!facts.containsKey(e)) {
            return Plan.ask(List.of(new Ask(FileSystemFleet.groupOf(op.dir()), e)));
        }
        ProbeResult entry = facts.get(e);
        Exception bad = directoryProblem(entry, op.dir(), op.name());
        if (bad != null) {
            return Plan.fail(bad);
        }
        if (entry.status() != ProbeResult.Status.FOUND) {
            return Plan.fail(new NoSuchFileException(FsErrors.where(op.dir(), op.name())));
        }
        Probe i = inode(entry.inode());
        if (!facts.containsKey(i)) {
            return Plan.ask(List.of(new Ask(FileSystemFleet.groupOf(entry.inode()), i)));
        }
        ProbeResult victim = facts.get(i);
        if (victim.status() != ProbeResult.Status.FOUND) {
            return Plan.fail(new FileSystemException(FsErrors.where(op.dir(), op.name()), null,
                    "names inode " + entry.inode() + ", which is free: run fs:fsck"));
        }
        if (victim.type() == FileType.DIRECTORY && !victim.empty()) {
            return Plan.fail(new DirectoryNotEmptyException(FsErrors.where(op.dir(), op.name())));
        }
        return Plan.steps(List.of(
                new Intent.GroupStep(FileSystemFleet.groupOf(op.dir()), new Step(Step.Kind.REMOVE, op.dir(), op.name(), entry.inode(),
                        null, 0, now, 0, 0, 0)),
                new Intent.GroupStep(FileSystemFleet.groupOf(entry.inode()), new Step(Step.Kind.DROP, 0, null, entry.inode(), null, 0, now, 0, 0, 0))),
                null);
    }

    private static Plan rename(CrossOp op, Map<Probe, ProbeResult> facts, long now) {
        Probe s = entry(op.dir(), op.name());
        Probe t = entry(op.targetDir(), op.targetName());
        if (!facts.containsKey(s) || !facts.containsKey(t)) {
            return Plan.ask(List.of(new Ask(FileSystemFleet.groupOf(op.dir()), s),
                    new Ask(FileSystemFleet.groupOf(op.targetDir()), t)));
        }
        ProbeResult source = facts.get(s);
        ProbeResult target = facts.get(t);
        Exception bad = directoryProblem(source, op.dir(), op.name());
        if (bad == null) {
            bad = directoryProblem(target, op.targetDir(), op.targetName());
        }
        if (bad != null) {
            return Plan.fail(bad);
        }
        if (source.status() != ProbeResult.Status.FOUND) {
            return Plan.fail(new NoSuchFileException(FsErrors.where(op.dir(), op.name())));
        }
        long x = source.inode();
        boolean same = op.dir() == op.targetDir() && op.name().equals(op.targetName());
        if (same || (target.status() == ProbeResult.Status.FOUND && target.inode() == x)) {
            return Plan.steps(List.of(), null);
        }
        List<Ask> asks = new ArrayList<>();
        Probe xi = inode(x);
        if (!facts.containsKey(xi)) {
            asks.add(new Ask(FileSystemFleet.groupOf(x), xi));
        }
        Probe yi = target.status() == ProbeResult.Status.FOUND ? inode(target.inode()) : null;
        if (yi != null && !facts.containsKey(yi)) {
            asks.add(new Ask(FileSystemFleet.groupOf(target.inode()), yi));
        }
        boolean moveDirectory = source.type() == FileType.DIRECTORY && op.dir() != op.targetDir();
        if (moveDirectory) {
            // walk up from the target directory: the moved directory must not be found on the way
            long at = op.targetDir();
            while (true) {
                if (at == x) {
                    return Plan.fail(new FileSystemException(FsErrors.where(op.dir(), op.name()), FsErrors.where(op.targetDir(), op.targetName()),
                            "cannot move a directory into itself"));
                }
                if (at == FileSystemFleet.ROOT) {
                    break;
                }
                ProbeResult up = facts.get(inode(at));
                if (up == null) {
                    asks.add(new Ask(FileSystemFleet.groupOf(at), inode(at)));
                    break;
                }
                if (up.status() != ProbeResult.Status.FOUND) {
                    return Plan.fail(new NoSuchFileException(FsErrors.where(at)));
                }
                at = up.parent();
            }
        }
        if (!asks.isEmpty()) {
            return Plan.ask(asks);
        }
        if (yi != null) {
            ProbeResult y = facts.get(yi);
            if (!op.replace()) {
                return Plan.fail(new FileAlreadyExistsException(FsErrors.where(op.targetDir(), op.targetName())));
            }
            if (y.type() == FileType.DIRECTORY && !y.empty()) {
                return Plan.fail(new DirectoryNotEmptyException(FsErrors.where(op.targetDir(), op.targetName())));
            }
            if (y.type() != FileType.DIRECTORY && source.type() == FileType.DIRECTORY) {
                return Plan.fail(new NotDirectoryException(FsErrors.where(op.targetDir(), op.targetName())));
            }
            if (y.type() == FileType.DIRECTORY && source.type() != FileType.DIRECTORY) {
                return Plan.fail(FsErrors.isDirectory(FsErrors.where(op.targetDir(), op.targetName())));
            }
        }
        List<Intent.GroupStep> steps = new ArrayList<>();
        steps.add(new Intent.GroupStep(FileSystemFleet.groupOf(op.dir()), new Step(Step.Kind.REMOVE, op.dir(), op.name(), x, null, 0, now, 0, 0, 0)));
        steps.add(new Intent.GroupStep(FileSystemFleet.groupOf(op.targetDir()),
                new Step(Step.Kind.PUT, op.targetDir(), op.targetName(), x, source.type(), 0, now, 0, 0, 0)));
        if (moveDirectory) {
            steps.add(new Intent.GroupStep(FileSystemFleet.groupOf(x), new Step(Step.Kind.SET_PARENT, 0, null, x, null, op.targetDir(), now, 0, 0, 0)));
        }
        if (yi != null) {
            steps.add(new Intent.GroupStep(FileSystemFleet.groupOf(target.inode()), new Step(Step.Kind.DROP, 0, null, target.inode(), null, 0, now, 0, 0, 0)));
        }
        return Plan.steps(steps, null);
    }

    private static Plan link(CrossOp op, Map<Probe, ProbeResult> facts, long now) {
        Probe e = entry(op.dir(), op.name());
        Probe i = inode(op.inode());
        if (!facts.containsKey(e) || !facts.containsKey(i)) {
            return Plan.ask(List.of(new Ask(FileSystemFleet.groupOf(op.dir()), e), new Ask(FileSystemFleet.groupOf(op.inode()), i)));
        }
        ProbeResult entry = facts.get(e);
        Exception bad = directoryProblem(entry, op.dir(), op.name());
        if (bad != null) {
            return Plan.fail(bad);
        }
        if (entry.status() == ProbeResult.Status.FOUND) {
            return Plan.fail(new FileAlreadyExistsException(FsErrors.where(op.dir(), op.name())));
        }
        ProbeResult target = facts.get(i);
        if (target.status() != ProbeResult.Status.FOUND) {
            return Plan.fail(new NoSuchFileException(FsErrors.where(op.inode())));
        }
        if (target.type() == FileType.DIRECTORY) {
            return Plan.fail(new FileSystemException(FsErrors.where(op.dir(), op.name()), null, "a directory cannot have a second link"));
        }
        return Plan.steps(List.of(
                new Intent.GroupStep(FileSystemFleet.groupOf(op.inode()), new Step(Step.Kind.LINK, 0, null, op.inode(), null, 0, now, 0, 0, 0)),
                new Intent.GroupStep(FileSystemFleet.groupOf(op.dir()),
                        new Step(Step.Kind.PUT, op.dir(), op.name(), op.inode(), target.type(), 0, now, 0, 0, 0))),
                new DirEntry(op.name(), op.inode(), target.type()));
    }
}
