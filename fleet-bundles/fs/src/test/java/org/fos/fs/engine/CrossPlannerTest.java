package org.fos.fs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.Map;

import org.fos.fs.api.FileType;
import org.fos.fs.peers.CrossOp;
import org.fos.fs.peers.Probe;
import org.fos.fs.peers.ProbeResult;
import org.fos.fs.peers.Step;
import org.junit.jupiter.api.Test;

class CrossPlannerTest {
    static final long ROOT = 1;
    static final long A = Layout.inode(1, 5);
    static final long B = Layout.inode(2, 7);
    static final long X = Layout.inode(1, 9);

    static ProbeResult found(long inode, FileType type, long parent, boolean empty) {
        return new ProbeResult(ProbeResult.Status.FOUND, inode, type, parent, empty);
    }

    static ProbeResult absent() {
        return new ProbeResult(ProbeResult.Status.ABSENT, 0, null, 0, false);
    }

    @Test
    void shouldAskBothDirectoriesFirstThenTheMovedInode() {
        CrossOp op = new CrossOp(CrossOp.Kind.RENAME, A, "x", B, "y", false, 0, 0, 0, 0, 0);
        Map<Probe, ProbeResult> facts = new HashMap<>();
        CrossPlanner.Plan first = CrossPlanner.plan(op, facts, 1);
        assertThat(first.asks()).extracting(CrossPlanner.Ask::group).containsExactly(1, 2);
        facts.put(CrossPlanner.entry(A, "x"), found(X, FileType.FILE, 0, false));
        facts.put(CrossPlanner.entry(B, "y"), absent());
        CrossPlanner.Plan second = CrossPlanner.plan(op, facts, 1);
        assertThat(second.asks()).extracting(CrossPlanner.Ask::probe).containsExactly(CrossPlanner.inode(X));
        facts.put(CrossPlanner.inode(X), found(X, FileType.FILE, A, false));
        CrossPlanner.Plan done = CrossPlanner.plan(op, facts, 1);
        assertThat(done.steps()).extracting(gs -> gs.step().kind()).containsExactly(Step.Kind.REMOVE, Step.Kind.PUT);
        assertThat(done.steps()).extracting(Intent.GroupStep::group).containsExactly(1, 2);
    }

    @Test
    void shouldRefuseToMoveADirectoryIntoItsOwnSubtree() {
        long sub = Layout.inode(2, 3);
        CrossOp op = new CrossOp(CrossOp.Kind.RENAME, ROOT, "x", sub, "x", false, 0, 0, 0, 0, 0);
        Map<Probe, ProbeResult> facts = new HashMap<>();
        facts.put(CrossPlanner.entry(ROOT, "x"), found(X, FileType.DIRECTORY, 0, false));
        facts.put(CrossPlanner.entry(sub, "x"), absent());
        facts.put(CrossPlanner.inode(X), found(X, FileType.DIRECTORY, ROOT, false));
        facts.put(CrossPlanner.inode(sub), found(sub, FileType.DIRECTORY, X, true));
        CrossPlanner.Plan plan = CrossPlanner.plan(op, facts, 1);
        assertThat(plan.error()).isInstanceOf(FileSystemException.class).hasMessageContaining("into itself");
    }

    @Test
    void shouldReplaceOnlyWhenAskedAndOnlyAnEmptyDirectory() {
        long y = Layout.inode(2, 8);
        Map<Probe, ProbeResult> facts = new HashMap<>();
        facts.put(CrossPlanner.entry(A, "x"), found(X, FileType.FILE, 0, false));
        facts.put(CrossPlanner.entry(B, "y"), found(y, FileType.DIRECTORY, 0, false));
        facts.put(CrossPlanner.inode(X), found(X, FileType.FILE, A, false));
        facts.put(CrossPlanner.inode(y), found(y, FileType.DIRECTORY, B, false));
        assertThat(CrossPlanner.plan(new CrossOp(CrossOp.Kind.RENAME, A, "x", B, "y", false, 0, 0, 0, 0, 0), facts, 1).error())
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(CrossPlanner.plan(new CrossOp(CrossOp.Kind.RENAME, A, "x", B, "y", true, 0, 0, 0, 0, 0), facts, 1).error())
                .isInstanceOf(DirectoryNotEmptyException.class);
        facts.put(CrossPlanner.inode(y), found(y, FileType.DIRECTORY, B, true));
        assertThat(CrossPlanner.plan(new CrossOp(CrossOp.Kind.RENAME, A, "x", B, "y", true, 0, 0, 0, 0, 0), facts, 1).error())
                .as("a file does not replace a directory (rename(2): EISDIR)").hasMessageContaining("is a directory");
        facts.put(CrossPlanner.entry(B, "y"), found(y, FileType.FILE, 0, false));
        facts.put(CrossPlanner.inode(y), found(y, FileType.FILE, B, false));
        CrossPlanner.Plan plan = CrossPlanner.plan(new CrossOp(CrossOp.Kind.RENAME, A, "x", B, "y", true, 0, 0, 0, 0, 0), facts, 1);
        assertThat(plan.steps()).extracting(gs -> gs.step().kind()).containsExactly(Step.Kind.REMOVE, Step.Kind.PUT, Step.Kind.DROP);
    }

    @Test
    void shouldMakeARemoteDirectoryFromAReservedInodeOrFail() {
        CrossOp op = new CrossOp(CrossOp.Kind.MKDIR, A, "d", 0, null, false, 3, 0, 0755, 0, 0);
        Map<Probe, ProbeResult> facts = new HashMap<>();
        facts.put(CrossPlanner.entry(A, "d"), absent());
        facts.put(CrossPlanner.reserve(3), found(Layout.inode(3, 4), FileType.DIRECTORY, 0, true));
        CrossPlanner.Plan plan = CrossPlanner.plan(op, facts, 1);
        assertThat(plan.result().inode()).isEqualTo(Layout.inode(3, 4));
        assertThat(plan.steps()).extracting(gs -> gs.step().kind()).containsExactly(Step.Kind.INIT_DIRECTORY, Step.Kind.PUT);
        facts.put(CrossPlanner.entry(A, "d"), new ProbeResult(ProbeResult.Status.NO_DIRECTORY, 0, null, 0, false));
        assertThat(CrossPlanner.plan(op, facts, 1).error()).isInstanceOf(NoSuchFileException.class);
    }
}
