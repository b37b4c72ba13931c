package org.fos.fs.api;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Right;
import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Key;
import org.fos.rpc.api.Needs;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The protocol of the file-system fleet: a journaled file system on a block device, its metadata
 * divided among the members.
 *
 * <p><b>Groups and inodes.</b> The device is cut into groups, each with its own inodes, allocation
 * bitmaps and journal. Inode numbers carry their group in the high 32 bits
 * ({@link #groupOf(long)}); the root directory is {@link #ROOT}. Every call about an inode or a
 * directory names that inode's group as its {@link Key}, so key affinity sends it to the member
 * that owns the group: the one member that reads and writes that group's metadata. A call whose
 * group does not match its inode is refused with an {@link IllegalArgumentException}.
 *
 * <p><b>Errors</b> are the standard {@code java.nio.file} exceptions, their file being the inode or
 * {@code directory/name} the member was asked about: {@link NoSuchFileException},
 * {@link NotDirectoryException}, {@link FileAlreadyExistsException},
 * {@link DirectoryNotEmptyException}, and a {@link FileSystemException} for the rest (a full group,
 * a directory where a file was expected, a move into itself). {@link TryAgainException} means the
 * call had no effect because the implementation was being replaced: call again. Bad arguments (a
 * bad name, a negative offset, too many bytes) get an {@link IllegalArgumentException}.
 *
 * <p>Methods marked "between members" are the fleet's own protocol; applications do not call them.
 * Applications use {@link FosFiles} and {@code java.nio.file.Files}.
 */
@ProviderType
public interface FileSystemFleet {

    /** The name the default file system serves under. */
    String NAME = "/sys/fs";
    /** The root directory's inode. */
    long ROOT = 1;
    /** The longest entry name, in bytes of UTF-8. */
    int MAX_NAME_BYTES = 255;
    /** The most bytes one read or write moves. */
    int MAX_IO_BYTES = 1 << 20;
    /** The longest target of a symbolic link, in bytes of UTF-8. */
    int MAX_LINK_BYTES = 4095;
    /** The most links of one file. */
    int MAX_LINKS = 65_000;
    /** The longest name of a file-lock holder, in characters. */
    int MAX_HOLDER_CHARS = 64;
    /** {@link #open} flag: create a regular file if the name does not exist. */
    int OPEN_CREATE = 1;
    /** {@link #open} flag: fail if the name exists (with {@link #OPEN_CREATE}). */
    int OPEN_EXCLUSIVE = 2;
    /** {@link #open} flag: cut a regular file to size 0. */
    int OPEN_TRUNCATE = 4;

    /**
     * Returns the group an inode lives in: the key of every call about it.
     *
     * @param inode the inode
     * @return its group
     */
    static int groupOf(long inode) {
        return (int) (inode >>> 32);
    }

    /**
     * Finds an entry of a directory.
     *
     * @param group the directory's group
     * @param dir the directory
     * @param name the entry's name
     * @return completes with the entry
     * @throws NoSuchFileException (completing the stage) if the directory or the entry does not exist
     * @throws NotDirectoryException if {@code dir} is a file
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<DirEntry> lookup(@Key int group, long dir, String name)
            throws NoSuchFileException, NotDirectoryException, TryAgainException;

    /**
     * Resolves as many names of a relative path as this member can in one call: it goes on while the
     * directory it is in lives in a group the member owns. {@code ..} goes to the parent directory
     * (the root's is the root), {@code .} stays. It stops after a name that is not a directory (a
     * file, or a symbolic link, which the caller follows) and before a directory of a group it does
     * not own; the caller goes on from there.
     *
     * @param group the start directory's group
     * @param dir the start directory
     * @param names the names, at most 4096
     * @return completes with how many names were resolved and the entry reached
     * @throws NoSuchFileException if the start directory or a name on the way does not exist
     * @throws NotDirectoryException if a name on the way, before the last, is a file
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<Walked> walk(@Key int group, long dir, List<String> names)
            throws NoSuchFileException, NotDirectoryException, TryAgainException;

    /**
     * Describes an inode.
     *
     * @param group the inode's group
     * @param inode the inode
     * @return completes with its attributes
     * @throws NoSuchFileException if the inode is free
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<Attributes> stat(@Key int group, long inode) throws NoSuchFileException, TryAgainException;

    /**
     * Lists a directory in name order, a page at a time.
     *
     * @param group the directory's group
     * @param dir the directory
     * @param after list the names after this one; empty for the first page
     * @param limit the most entries to return, from 1 to 10000
     * @return completes with the entries; fewer than {@code limit} on the last page
     * @throws NoSuchFileException if the directory does not exist
     * @throws NotDirectoryException if {@code dir} is a file
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<List<DirEntry>> readdir(@Key int group, long dir, String after, int limit)
            throws NoSuchFileException, NotDirectoryException, TryAgainException;

    /**
     * Walks as {@link #walk} does and grants the caller a lease on what it answers: until the lease
     * ends or is revoked, the caller may answer the same lookups (a directory and a name) and the
     * reached entry's attributes from its own cache. Before a change to a directory's entries or an
     * inode's attributes that another client holds a lease on returns to its caller, the member calls
     * that client's {@link LeaseHolder#revoke} and waits for its answer or for its lease's end,
     * without blocking its thread; a change by the caller itself does not call it back (the caller
     * drops what it changed). A member grants no lease past its limits (holders, leases a holder),
     * and none to a call that names no request id; it answers {@code leaseMillis} 0 then.
     *
     * @param group the start directory's group
     * @param dir the start directory
     * @param names the names, at most 4096
     * @param holder a capability with the {@code SEND} and {@code CALL} rights for the mailbox where the
     *        caller serves {@link LeaseHolder}
     * @return completes with the walk, the entries it passed and the lease
     * @throws NoSuchFileException if the start directory or a name on the way does not exist
     * @throws NotDirectoryException if a name on the way, before the last, is a file
     * @throws TryAgainException if the call was let go; call again
     * @since 3.1
     */
    @Idempotent
    CompletionStage<WalkLease> leasedWalk(@Key int group, long dir, List<String> names, Capability holder)
            throws NoSuchFileException, NotDirectoryException, TryAgainException;

    /**
     * Opens an entry of a directory, creating a regular file if asked (its inode lives in the
     * directory's group). A regular file's open is counted until {@link #close}: deleting a file that
     * is open removes its name at once and its content at its last close. A directory or a symbolic
     * link is answered but not counted.
     *
     * @param group the directory's group
     * @param dir the directory
     * @param name the entry's name
     * @param flags {@link #OPEN_CREATE}, {@link #OPEN_EXCLUSIVE}, {@link #OPEN_TRUNCATE}, or'ed
     * @param mode the permission bits of a file this call creates ({@code 07777})
     * @param uid the owner of a file this call creates
     * @param gid the group of a file this call creates
     * @return completes with the entry and its attributes
     * @throws FileAlreadyExistsException if {@code OPEN_EXCLUSIVE} and the name exists
     * @throws NoSuchFileException if the directory does not exist, or the name does not and
     *         {@code OPEN_CREATE} is not given
     * @throws NotDirectoryException if {@code dir} is a file
     * @throws FileSystemException if {@code OPEN_TRUNCATE} names a directory, or the group has no free
     *         inode or block
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<Opened> open(@Key int group, long dir, String name, int flags, int mode, int uid, int gid)
            throws FileAlreadyExistsException, NoSuchFileException, NotDirectoryException, FileSystemException, TryAgainException;

    /**
     * Opens as {@link #open} does and, for a regular file this call counts open, grants the caller a
     * lease on the file's inode that covers its attributes and its content, and answers the file's
     * first {@code headBytes} bytes with it: a client that opens a small file to read it needs no
     * other call while the lease lasts (docs/files.md, "Client caches under leases"). A symbolic link,
     * a directory, or a file whose inode lives in another group is answered as {@link #open} answers
     * it, with no lease and no bytes.
     *
     * @param group the directory's group
     * @param dir the directory
     * @param name the entry's name
     * @param flags as for {@link #open}
     * @param mode as for {@link #open}
     * @param uid as for {@link #open}
     * @param gid as for {@link #open}
     * @param holder where the member revokes the lease ({@link LeaseHolder}); null for no lease
     * @param headBytes how many bytes of content to answer, 0 to {@link #MAX_IO_BYTES}
     * @return completes with the open, the lease and the bytes
     * @throws FileAlreadyExistsException as for {@link #open}
     * @throws NoSuchFileException as for {@link #open}
     * @throws NotDirectoryException as for {@link #open}
     * @throws FileSystemException as for {@link #open}
     * @throws TryAgainException if the call was let go; call again
     * @since 3.2
     */
    CompletionStage<LeasedOpen> openLeased(@Key int group, long dir, String name, int flags, int mode, int uid, int gid, Capability holder,
            int headBytes) throws FileAlreadyExistsException, NoSuchFileException, NotDirectoryException, FileSystemException, TryAgainException;

    /**
     * Opens a regular file by its inode, counting the open as {@link #open} does: for a name whose
     * inode lives in another group than its directory (a file moved or linked there), which
     * {@link #open} answers without counting.
     *
     * @param group the file's group
     * @param inode the file
     * @param flags {@link #OPEN_TRUNCATE} to cut it to size 0, else 0
     * @return completes with its attributes, after any truncation
     * @throws NoSuchFileException if the inode is free
     * @throws FileSystemException if it is not a regular file
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<Attributes> openInode(@Key int group, long inode, int flags)
            throws NoSuchFileException, FileSystemException, TryAgainException;

    /**
     * Ends one open of a file; a file with no links is freed at its last close.
     *
     * @param group the file's group
     * @param inode the file
     * @param generation the generation its open answered
     * @return completes when done; closing a file that is not open does nothing
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<Void> close(@Key int group, long inode, int generation) throws TryAgainException;

    /**
     * Creates an empty directory. Its inode goes to the group a hash of the parent and the name
     * picks, which spreads directories, and with them their files, over the groups and members.
     *
     * @param group the parent's group
     * @param dir the parent directory
     * @param name the new directory's name
     * @param mode its permission bits ({@code 07777})
     * @param uid its owner
     * @param gid its group
     * @return completes with its entry
     * @throws FileAlreadyExistsException if the name exists
     * @throws NoSuchFileException if the parent does not exist
     * @throws NotDirectoryException if the parent is a file
     * @throws FileSystemException if the chosen group has no free inode or block
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<DirEntry> mkdir(@Key int group, long dir, String name, int mode, int uid, int gid)
            throws FileAlreadyExistsException, NoSuchFileException, NotDirectoryException, FileSystemException, TryAgainException;

    /**
     * Creates a symbolic link in a directory.
     *
     * @param group the directory's group
     * @param dir the directory
     * @param name the link's name
     * @param target the path it points to: 1 to {@value #MAX_LINK_BYTES} bytes of UTF-8 without NUL
     * @param uid its owner
     * @param gid its group
     * @return completes with its entry
     * @throws FileAlreadyExistsException if the name exists
     * @throws NoSuchFileException if the directory does not exist
     * @throws NotDirectoryException if {@code dir} is a file
     * @throws FileSystemException if the group has no free inode or block
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<DirEntry> symlink(@Key int group, long dir, String name, String target, int uid, int gid)
            throws FileAlreadyExistsException, NoSuchFileException, NotDirectoryException, FileSystemException, TryAgainException;

    /**
     * Reads the target of a symbolic link.
     *
     * @param group the link's group
     * @param inode the link
     * @return completes with the target
     * @throws NoSuchFileException if the inode is free
     * @throws FileSystemException if it is not a symbolic link
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<String> readlink(@Key int group, long inode) throws NoSuchFileException, FileSystemException, TryAgainException;

    /**
     * Makes a hard link: a new name in a directory for an existing file. Links across groups go
     * through the coordinator.
     *
     * @param group the directory's group
     * @param dir the directory
     * @param name the new name
     * @param inode the file (not a directory)
     * @return completes with the new entry
     * @throws FileAlreadyExistsException if the name exists
     * @throws NoSuchFileException if the directory or the file does not exist
     * @throws NotDirectoryException if {@code dir} is a file
     * @throws FileSystemException if {@code inode} is a directory, or has {@value #MAX_LINKS} links
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<DirEntry> link(@Key int group, long dir, String name, long inode)
            throws FileAlreadyExistsException, NoSuchFileException, NotDirectoryException, FileSystemException, TryAgainException;

    /**
     * Removes a name from its directory: a file's content is freed with its last link, or at its
     * last close if it is open then; a directory must be empty.
     *
     * @param group the directory's group
     * @param dir the directory
     * @param name the entry's name
     * @return completes when the entry is gone
     * @throws NoSuchFileException if the directory or the entry does not exist
     * @throws NotDirectoryException if {@code dir} is a file
     * @throws DirectoryNotEmptyException if the entry is a directory with entries
     * @throws FileSystemException if the group's journal cannot take the change
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<Void> delete(@Key int group, long dir, String name) throws NoSuchFileException, NotDirectoryException,
            DirectoryNotEmptyException, FileSystemException, TryAgainException;

    /**
     * Moves an entry, atomically: at every moment, and after a crash, the inode is named either by
     * the source or by the target, and an entry the target replaced is gone only if the move
     * happened. Moves between groups and moves of directories go through the coordinator (the owner
     * of group 0), one at a time.
     *
     * @param group the source directory's group
     * @param dir the source directory
     * @param name the source name
     * @param targetDir the target directory
     * @param targetName the target name
     * @param replace whether an existing target (a file, or an empty directory) is replaced
     * @return completes when the entry has moved
     * @throws NoSuchFileException if a directory or the source does not exist
     * @throws NotDirectoryException if a directory is a file, or a directory would replace a file
     * @throws FileAlreadyExistsException if the target exists and {@code replace} is false
     * @throws DirectoryNotEmptyException if the target is a directory with entries
     * @throws FileSystemException if a directory would move into itself
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<Void> rename(@Key int group, long dir, String name, long targetDir, String targetName, boolean replace)
            throws NoSuchFileException, NotDirectoryException, FileAlreadyExistsException, DirectoryNotEmptyException,
            FileSystemException, TryAgainException;

    /**
     * Reads bytes of a file.
     *
     * @param group the file's group
     * @param inode the file
     * @param generation the generation its open answered
     * @param offset where to start, at least 0
     * @param length the most bytes to read, from 0 to {@link #MAX_IO_BYTES}
     * @return completes with the bytes: fewer than {@code length} only at the end of the file,
     *         none at or past it; inside a node the array may be the member's cached block itself,
     *         so the caller must not change it (as with any message payload)
     * @throws NoSuchFileException if the inode is free or was given out again (another generation)
     * @throws FileSystemException if it is a directory
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<byte[]> read(@Key int group, long inode, int generation, long offset, int length)
            throws NoSuchFileException, FileSystemException, TryAgainException;

    /**
     * Writes bytes into a file, growing it if they reach past its end (a gap reads as zeros). Once
     * this completes, every read of the file, through any open on any node, sees the bytes.
     *
     * @param group the file's group
     * @param inode the file
     * @param generation the generation its open answered
     * @param offset where to write, at least 0
     * @param data the bytes, at most {@link #MAX_IO_BYTES}
     * @return completes with the file's size afterwards
     * @throws NoSuchFileException if the inode is free or was given out again (another generation)
     * @throws FileSystemException if it is a directory, or the file system has no room (nothing is
     *         written then)
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<Long> write(@Key int group, long inode, int generation, long offset, byte[] data)
            throws NoSuchFileException, FileSystemException, TryAgainException;

    /**
     * Writes bytes at the end of a file, atomically with finding the end: appends of several
     * writers never interleave within one call.
     *
     * @param group the file's group
     * @param inode the file
     * @param generation the generation its open answered
     * @param data the bytes, at most {@link #MAX_IO_BYTES}
     * @return completes with the file's size afterwards (the bytes start at that size less their length)
     * @throws NoSuchFileException if the inode is free or was given out again
     * @throws FileSystemException if it is a directory, or the file system has no room
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<Long> append(@Key int group, long inode, int generation, byte[] data)
            throws NoSuchFileException, FileSystemException, TryAgainException;

    /**
     * Reserves bytes at the end of a file, atomically with finding the end: the file grows by
     * {@code length} (the new bytes read as zeros) and no other append lands there. An append larger
     * than one call reserves its place first, then writes it with {@link #write}.
     *
     * @param group the file's group
     * @param inode the file
     * @param generation the generation its open answered
     * @param length how many bytes, at least 0
     * @return completes with the offset of the first reserved byte
     * @throws NoSuchFileException if the inode is free or was given out again
     * @throws FileSystemException if it is a directory, or the file would grow past its largest size
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<Long> reserve(@Key int group, long inode, int generation, long length)
            throws NoSuchFileException, FileSystemException, TryAgainException;

    /**
     * Sets a file's size: blocks past it are freed, a larger size reads as zeros. A large file is
     * freed in several journal transactions, each leaving a consistent, shorter file.
     *
     * @param group the file's group
     * @param inode the file
     * @param generation the generation its open answered
     * @param size the new size, at least 0
     * @return completes when done
     * @throws NoSuchFileException if the inode is free or was given out again
     * @throws FileSystemException if it is a directory, or the size is past a file's largest
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<Void> truncate(@Key int group, long inode, int generation, long size)
            throws NoSuchFileException, FileSystemException, TryAgainException;

    /**
     * Sets an inode's times.
     *
     * @param group the inode's group
     * @param inode the inode
     * @param modifiedMillis the new modification time, or -1 to keep it
     * @param accessedMillis the new access time, or -1 to keep it
     * @return completes when done
     * @throws NoSuchFileException if the inode is free
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<Void> setTimes(@Key int group, long inode, long modifiedMillis, long accessedMillis)
            throws NoSuchFileException, TryAgainException;

    /**
     * Sets an inode's permission bits and owner (chmod, chown). Permissions are checked by the
     * clients, for the user they present (docs/files.md); the fleet records what it is told.
     *
     * @param group the inode's group
     * @param inode the inode
     * @param mode the new permission bits ({@code 07777}), or -1 to keep them
     * @param uid the new owner, or -1 to keep it
     * @param gid the new group, or -1 to keep it
     * @return completes with the attributes afterwards
     * @throws NoSuchFileException if the inode is free
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<Attributes> setAttributes(@Key int group, long inode, int mode, int uid, int gid)
            throws NoSuchFileException, TryAgainException;

    /**
     * Makes everything written to the file system so far durable, this inode's data and metadata
     * among it: once this completes, a crash loses none of it.
     *
     * @param group the inode's group
     * @param inode the inode
     * @return completes when it is durable
     * @throws NoSuchFileException if the inode is free
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<Void> fsync(@Key int group, long inode) throws NoSuchFileException, TryAgainException;

    /**
     * Takes a byte-range lock on a file for a holder, if no other holder holds a lock that overlaps
     * it where one of the two is exclusive ({@code FileChannel.lock} between two programs). Locks
     * live in the memory of the member that owns the file's group, under a lease: a holder renews all
     * its locks there with {@link #renewLocks} within {@link Locked#leaseMillis()}, or loses them (so
     * the locks of a client or node that died are freed a lease later). A holder's own locks never
     * conflict with each other. The call does not wait: a holder that wants to wait calls again.
     *
     * @param group the file's group
     * @param inode the file
     * @param generation the generation its open answered
     * @param holder the holder: 1 to {@value #MAX_HOLDER_CHARS} characters, secret to it (a random id),
     *        since its name is what releases and renews its locks
     * @param lock the lock's id, positive, chosen by the holder and unique among its locks; taking
     *        a lock the holder holds by that id again answers granted
     * @param position where the range starts, at least 0
     * @param size the range's length, at least 0 ({@code position + size} must not overflow)
     * @param shared true for a shared lock, false for an exclusive one
     * @return completes with whether the lock was granted, and the lease
     * @throws NoSuchFileException if the inode is free or was given out again
     * @throws FileSystemException if it is a directory, or the holder or the member holds as many
     *         locks as it may ("No locks available": the fleet's {@code maxLocksPerHolder} and
     *         {@code maxLocks})
     * @throws TryAgainException if the call was let go; call again
     */
    CompletionStage<Locked> lock(@Key int group, long inode, int generation, String holder, long lock, long position, long size,
            boolean shared) throws NoSuchFileException, FileSystemException, TryAgainException;

    /**
     * Releases a file lock. Releasing a lock that is not held (released before, freed with its
     * lease, or never granted) does nothing.
     *
     * @param group the file's group
     * @param holder the holder
     * @param lock the lock's id
     * @return completes when the lock is released
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<Void> unlock(@Key int group, String holder, long lock) throws TryAgainException;

    /**
     * Renews a holder's lease on the member that owns a group: every lock of the holder there (in
     * any of that member's groups) lasts another {@link Locked#leaseMillis()}. Locks of the holder
     * on files of {@code group} that {@code keep} does not name are released (a release that was
     * lost on the way).
     *
     * @param group a group of files the holder holds locks on
     * @param holder the holder
     * @param keep the ids of the locks the holder holds or is taking on files of the group, at most
     *        the fleet's {@code maxLocksPerHolder}
     * @return completes with the ids of {@code keep} the member holds for the holder: a lock the
     *         holder held that is missing was freed when its lease ran out, and is lost
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<List<Long>> renewLocks(@Key int group, String holder, List<Long> keep) throws TryAgainException;

    /**
     * Sums the space of all groups (asking each group's owner).
     *
     * @return completes with the sums
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<FsStats> statfs() throws TryAgainException;

    /**
     * Describes one group, asking its owner: its space and its journal (for monitoring: the web
     * console's file-system page shows every group).
     *
     * @param group the group, from 0 to {@link FsStats#groups()} - 1
     * @return completes with the group's state
     * @throws IllegalArgumentException if the file system has no such group
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<GroupInfo> groupInfo(@Key int group) throws TryAgainException;

    /**
     * Checks the whole file system: the members finish what they are doing, write their journals
     * home and hold further changes while the coordinator reads every structure from the device.
     *
     * @return completes with the report
     * @throws TryAgainException if the call was let go; call again
     */
    @Idempotent
    CompletionStage<FsckReport> fsck() throws TryAgainException;

    /**
     * Checks the whole file system as {@link #fsck()} does, then repairs what it can while the members
     * are held: blocks and inodes marked wrongly in the bitmaps, link counts, entries that name free or
     * damaged inodes, directories' parents, files deleted while open that no open holds any more. What
     * cannot be repaired (a damaged superblock or group header, a block held twice) is said, not
     * guessed at. The members reload their groups afterwards.
     * <p>
     * Repairing changes every group while the members are held, so it needs {@link Right#ADMIN}: a
     * node's shell has it ({@code fs:fsck --repair}), a client only with a ticket that grants it.
     *
     * @return completes with the check before, the repairs, what was not repaired, and the check after
     * @throws TryAgainException if the call was let go; call again
     */
    @Needs(Right.ADMIN)
    CompletionStage<RepairReport> repair() throws TryAgainException;
}
