package org.fos.fs.peers;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.RepairReport;
import org.fos.fs.api.TryAgainException;
import org.fos.kernel.api.Right;
import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Key;
import org.fos.rpc.api.Needs;

/**
 * The file-system fleet's members among themselves: {@link FileSystemFleet} and the methods only
 * members call on each other (mounting, the two phases of a cross-group operation, freezing, checking
 * a group, lending blocks). It lives in this bundle's private package ({@code @Fleet(peers = ...)}):
 * other bundles and clients see only {@link FileSystemFleet}, and each method here needs
 * {@link Right#PEER}, which only the nodes' member capabilities carry.
 */
public interface FsPeers extends FileSystemFleet {

    /**
     * Between members: the coordinator recovers the file system (replays every group's journal and
     * finishes the last cross-group operation) if nobody has since the fleet started, creating it
     * first on a blank device.
     *
     * @param group 0, the coordinator's group
     * @return completes once the file system is mounted
     * @throws FileSystemException if the device holds something else or cannot be read
     * @throws TryAgainException if the call was let go; call again
     */
    @Needs(Right.PEER)
    CompletionStage<Mounted> peerMount(@Key int group) throws FileSystemException, TryAgainException;

    /**
     * Between members: pins a group for a cross-group operation (its owner holds every other call
     * about the group until {@link #peerFinish}) and answers probes.
     *
     * @param group the group
     * @param tx the operation's number
     * @param probes what to look up
     * @return completes with one result a probe
     * @throws TryAgainException if the call was let go; call again
     */
    @Needs(Right.PEER)
    CompletionStage<List<ProbeResult>> peerPin(@Key int group, long tx, List<Probe> probes) throws TryAgainException;

    /**
     * Between members: applies a cross-group operation's steps for a group (once: a group remembers
     * the last operation it applied) and unpins it; with no steps, only unpins it.
     *
     * @param group the group
     * @param tx the operation's number
     * @param steps the changes, in order
     * @return completes when applied
     * @throws FileSystemException if the journal cannot take the change
     * @throws TryAgainException if the call was let go; call again
     */
    @Needs(Right.PEER)
    CompletionStage<Void> peerFinish(@Key int group, long tx, List<Step> steps) throws FileSystemException, TryAgainException;

    /**
     * Between members: hands a cross-group operation to the coordinator.
     *
     * @param group 0, the coordinator's group
     * @param op the operation
     * @return completes with the new directory's entry for {@link CrossOp.Kind#MKDIR}, else null
     * @throws NoSuchFileException if a directory or the entry does not exist
     * @throws NotDirectoryException if a directory is a file
     * @throws FileAlreadyExistsException if the target exists
     * @throws DirectoryNotEmptyException if a directory to remove or replace has entries
     * @throws FileSystemException for the rest, as for the public methods
     * @throws TryAgainException if the call was let go; call again
     */
    @Needs(Right.PEER)
    CompletionStage<DirEntry> peerCross(@Key int group, CrossOp op) throws NoSuchFileException, NotDirectoryException,
            FileAlreadyExistsException, DirectoryNotEmptyException, FileSystemException, TryAgainException;

    /**
     * Between members: runs a check, and a repair if asked, through the coordinator's queue of
     * cross-group operations.
     *
     * @param group 0, the coordinator's group
     * @param repair whether to repair what the check finds
     * @return completes with the report ({@code after} null without repair)
     * @throws TryAgainException if the call was let go; call again
     */
    @Needs(Right.PEER)
    CompletionStage<RepairReport> peerFsck(@Key int group, boolean repair) throws TryAgainException;

    /**
     * Between members: the coordinator's own continuation of its current cross-group operation,
     * carrying what the calls it made answered.
     *
     * @param group 0, the coordinator's group
     * @param tx the operation's number
     * @param results the probe results gathered, or null if a call failed
     * @param failure what failed, or null
     * @return completes at once
     */
    @Needs(Right.PEER)
    CompletionStage<Void> peerResume(@Key int group, long tx, List<ProbeResult> results, String failure);

    /**
     * Between members: freezes (write every owned group home and hold all changes) or thaws a member,
     * for a check. Sent to every member by a proxy bound to it.
     *
     * @param group ignored: the call goes to the member the proxy is bound to
     * @param frozen true to freeze, false to thaw
     * @return completes when done, with the blocks other groups lent to this member's groups and not yet
     *         used (marked in use, held by no inode: the check must not take them for leaks)
     * @throws TryAgainException if the call was let go; call again
     */
    @Needs(Right.PEER)
    CompletionStage<List<Long>> peerFreeze(int group, boolean frozen) throws TryAgainException;

    /**
     * Between members: the space of one group.
     *
     * @param group the group
     * @return completes with its space
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    @Needs(Right.PEER)
    CompletionStage<GroupStats> peerGroupStats(@Key int group) throws TryAgainException;

    /**
     * Between members: lends free data blocks of a group to a file of another group whose own group is
     * full. The blocks are marked in use in the lending group; the borrower names them in its file and
     * gives them back with {@link #peerReturn} when the file lets go of them.
     *
     * @param group the lending group
     * @param count how many blocks are wanted, from 1 to 4096
     * @return completes with the blocks lent, as many as the group could spare (none if it is full)
     * @throws FileSystemException if the journal cannot take the change
     * @throws TryAgainException if the call was let go; call again
     */
    @Needs(Right.PEER)
    CompletionStage<List<Long>> peerLend(@Key int group, int count) throws FileSystemException, TryAgainException;

    /**
     * Between members: takes back blocks a group lent.
     *
     * @param group the lending group
     * @param blocks the blocks, all of that group
     * @return completes when they are free again
     * @throws FileSystemException if the journal cannot take the change
     * @throws TryAgainException if the call was let go; call again
     */
    @Needs(Right.PEER)
    CompletionStage<Void> peerReturn(@Key int group, List<Long> blocks) throws FileSystemException, TryAgainException;
}
