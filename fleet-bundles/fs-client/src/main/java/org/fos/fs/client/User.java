package org.fos.fs.client;

import java.nio.file.AccessDeniedException;

import org.fos.fs.api.Attributes;

/**
 * The user a client presents: files it makes are its, and its calls are checked against the
 * POSIX permission bits (owner, group, others). The super-user (uid 0) is not checked. The fleet
 * trusts what clients present, as NFS trusts AUTH_SYS: a client's capability is what admits it.
 *
 * @param uid the user id
 * @param gid the group id
 */
public record User(int uid, int gid) {
    /** The super-user: what bundles inside a node present. */
    public static final User ROOT = new User(0, 0);

    /** Read, write and search (execute) bits of the mode's "others" triple. */
    static final int READ = 4;
    static final int WRITE = 2;
    static final int EXECUTE = 1;

    /**
     * Creates a user.
     *
     * @param uid the user id, 0 or more
     * @param gid the group id, 0 or more
     * @throws IllegalArgumentException if an id is negative
     */
    public User {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("user and group ids are 0 or more, not " + uid + ":" + gid);
        }
    }

    /** Whether this user may do {@code want} (an or of READ, WRITE, EXECUTE) to an inode. */
    boolean may(Attributes a, int want) {
        if (uid == 0) {
            return true;
        }
        int bits;
        if (a.uid() == uid) {
            bits = a.mode() >> 6;
        } else if (a.gid() == gid) {
            bits = a.mode() >> 3;
        } else {
            bits = a.mode();
        }
        return (bits & want) == want;
    }

    /** Checks {@code want}; throws {@link AccessDeniedException} about the path if not allowed. */
    void check(Attributes a, int want, String path) throws AccessDeniedException {
        if (!may(a, want)) {
            throw new AccessDeniedException(path, null, "user " + uid + " may not " + words(want) + " it (mode "
                    + Integer.toOctalString(a.mode()) + ", owner " + a.uid() + ":" + a.gid() + ")");
        }
    }

    /** Checks the sticky bit of a directory: only a file's owner, the directory's owner or root may remove or rename it. */
    void checkSticky(Attributes dir, Attributes victim, String path) throws AccessDeniedException {
        if (uid != 0 && (dir.mode() & 01000) != 0 && victim.uid() != uid && dir.uid() != uid) {
            throw new AccessDeniedException(path, null, "the directory is sticky and user " + uid + " owns neither it nor the entry");
        }
    }

    private static String words(int want) {
        StringBuilder b = new StringBuilder();
        if ((want & READ) != 0) {
            b.append("read");
        }
        if ((want & WRITE) != 0) {
            b.append(b.length() > 0 ? " and " : "").append("write");
        }
        if ((want & EXECUTE) != 0) {
            b.append(b.length() > 0 ? " and " : "").append("search");
        }
        return b.toString();
    }
}
