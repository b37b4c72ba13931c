package org.fos.fs.engine;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.MemberAware;
import org.fos.fleet.api.MemberIdentity;
import org.fos.fleet.api.Stateful;
import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FsStats;
import org.fos.fs.api.FsckReport;
import org.fos.fs.api.GroupInfo;
import org.fos.fs.api.LeasedOpen;
import org.fos.fs.api.Locked;
import org.fos.fs.api.Opened;
import org.fos.fs.api.RepairReport;
import org.fos.fs.api.WalkLease;
import org.fos.fs.api.Walked;
import org.fos.fs.peers.CrossOp;
import org.fos.fs.peers.FsPeers;
import org.fos.fs.peers.GroupStats;
import org.fos.fs.peers.Mounted;
import org.fos.fs.peers.Probe;
import org.fos.fs.peers.ProbeResult;
import org.fos.fs.peers.Step;
import org.fos.kernel.api.Capability;

/**
 * A member of the file-system fleet made of an {@link FsEngine}: it serves the protocol, public and
 * private, and hands on its state at an upgrade by handing every call to its engine. A member of
 * any version is a component that makes an engine from its configuration and names it here, instead
 * of extending another version's member (ADR 0043); it overrides what its version does otherwise.
 */
public interface EngineMember extends FsPeers, Stateful, MemberAware {

    /**
     * The engine every call goes to.
     *
     * @return the member's engine, the same object on every call
     */
    FsEngine engine();

    @Override
    default void joined(MemberIdentity member) {
        engine().joined(member);
    }

    @Override
    default void quiesce() {
        engine().quiesce();
    }

    @Override
    default FleetState exportState() {
        return engine().exportState();
    }

    @Override
    default void importState(FleetState state) {
        engine().importState(state);
    }

    @Override
    default CompletionStage<DirEntry> lookup(int group, long dir, String name) {
        return engine().lookup(group, dir, name);
    }

    @Override
    default CompletionStage<WalkLease> leasedWalk(int group, long dir, List<String> names, Capability holder) {
        return engine().leasedWalk(group, dir, names, holder);
    }

    @Override
    default CompletionStage<LeasedOpen> openLeased(int group, long dir, String name, int flags, int mode, int uid, int gid,
            Capability holder, int headBytes) {
        return engine().openLeased(group, dir, name, flags, mode, uid, gid, holder, headBytes);
    }

    @Override
    default CompletionStage<Walked> walk(int group, long dir, List<String> names) {
        return engine().walk(group, dir, names);
    }

    @Override
    default CompletionStage<Attributes> stat(int group, long inode) {
        return engine().stat(group, inode);
    }

    @Override
    default CompletionStage<List<DirEntry>> readdir(int group, long dir, String after, int limit) {
        return engine().readdir(group, dir, after, limit);
    }

    @Override
    default CompletionStage<Opened> open(int group, long dir, String name, int flags, int mode, int uid, int gid) {
        return engine().open(group, dir, name, flags, mode, uid, gid);
    }

    @Override
    default CompletionStage<Attributes> openInode(int group, long inode, int flags) {
        return engine().openInode(group, inode, flags);
    }

    @Override
    default CompletionStage<Void> close(int group, long inode, int generation) {
        return engine().close(group, inode, generation);
    }

    @Override
    default CompletionStage<DirEntry> mkdir(int group, long dir, String name, int mode, int uid, int gid) {
        return engine().mkdir(group, dir, name, mode, uid, gid);
    }

    @Override
    default CompletionStage<DirEntry> symlink(int group, long dir, String name, String target, int uid, int gid) {
        return engine().symlink(group, dir, name, target, uid, gid);
    }

    @Override
    default CompletionStage<String> readlink(int group, long inode) {
        return engine().readlink(group, inode);
    }

    @Override
    default CompletionStage<DirEntry> link(int group, long dir, String name, long inode) {
        return engine().link(group, dir, name, inode);
    }

    @Override
    default CompletionStage<Void> delete(int group, long dir, String name) {
        return engine().delete(group, dir, name);
    }

    @Override
    default CompletionStage<Void> rename(int group, long dir, String name, long targetDir, String targetName, boolean replace) {
        return engine().rename(group, dir, name, targetDir, targetName, replace);
    }

    @Override
    default CompletionStage<byte[]> read(int group, long inode, int generation, long offset, int length) {
        return engine().read(group, inode, generation, offset, length);
    }

    @Override
    default CompletionStage<Long> write(int group, long inode, int generation, long offset, byte[] data) {
        return engine().write(group, inode, generation, offset, data);
    }

    @Override
    default CompletionStage<Long> append(int group, long inode, int generation, byte[] data) {
        return engine().append(group, inode, generation, data);
    }

    @Override
    default CompletionStage<Long> reserve(int group, long inode, int generation, long length) {
        return engine().reserve(group, inode, generation, length);
    }

    @Override
    default CompletionStage<Void> truncate(int group, long inode, int generation, long size) {
        return engine().truncate(group, inode, generation, size);
    }

    @Override
    default CompletionStage<Void> setTimes(int group, long inode, long modifiedMillis, long accessedMillis) {
        return engine().setTimes(group, inode, modifiedMillis, accessedMillis);
    }

    @Override
    default CompletionStage<Attributes> setAttributes(int group, long inode, int mode, int uid, int gid) {
        return engine().setAttributes(group, inode, mode, uid, gid);
    }

    @Override
    default CompletionStage<Void> fsync(int group, long inode) {
        return engine().fsync(group, inode);
    }

    @Override
    default CompletionStage<Locked> lock(int group, long inode, int generation, String holder, long lock, long position, long size,
            boolean shared) {
        return engine().lock(group, inode, generation, holder, lock, position, size, shared);
    }

    @Override
    default CompletionStage<Void> unlock(int group, String holder, long lock) {
        return engine().unlock(group, holder, lock);
    }

    @Override
    default CompletionStage<List<Long>> renewLocks(int group, String holder, List<Long> keep) {
        return engine().renewLocks(group, holder, keep);
    }

    @Override
    default CompletionStage<FsStats> statfs() {
        return engine().statfs();
    }

    @Override
    default CompletionStage<FsckReport> fsck() {
        return engine().fsck();
    }

    @Override
    default CompletionStage<RepairReport> repair() {
        return engine().repair();
    }

    @Override
    default CompletionStage<GroupInfo> groupInfo(int group) {
        return engine().groupInfo(group);
    }

    @Override
    default CompletionStage<GroupStats> peerGroupStats(int group) {
        return engine().peerGroupStats(group);
    }

    @Override
    default CompletionStage<List<Long>> peerLend(int group, int count) {
        return engine().peerLend(group, count);
    }

    @Override
    default CompletionStage<Void> peerReturn(int group, List<Long> blocks) {
        return engine().peerReturn(group, blocks);
    }

    @Override
    default CompletionStage<Mounted> peerMount(int group) {
        return engine().peerMount(group);
    }

    @Override
    default CompletionStage<DirEntry> peerCross(int group, CrossOp op) {
        return engine().peerCross(group, op);
    }

    @Override
    default CompletionStage<RepairReport> peerFsck(int group, boolean repair) {
        return engine().peerFsck(group, repair);
    }

    @Override
    default CompletionStage<Void> peerResume(int group, long tx, List<ProbeResult> results, String failure) {
        return engine().peerResume(group, tx, results, failure);
    }

    @Override
    default CompletionStage<List<ProbeResult>> peerPin(int group, long tx, List<Probe> probes) {
        return engine().peerPin(group, tx, probes);
    }

    @Override
    default CompletionStage<Void> peerFinish(int group, long tx, List<Step> steps) {
        return engine().peerFinish(group, tx, steps);
    }

    @Override
    default CompletionStage<List<Long>> peerFreeze(int group, boolean frozenNow) {
        return engine().peerFreeze(group, frozenNow);
    }
}
