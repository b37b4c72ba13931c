package org.fos.fs.client;

import java.io.IOException;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;

/** The attributes of a fos file: basic and POSIX; its inode number is the file key. */
record FosAttributes(Attributes a) implements PosixFileAttributes {

    @Override
    public FileTime lastModifiedTime() {
        return FileTime.fromMillis(a.modifiedMillis());
    }

    @Override
    public FileTime lastAccessTime() {
        return FileTime.fromMillis(a.accessedMillis());
    }

    @Override
    public FileTime creationTime() {
        return FileTime.fromMillis(a.createdMillis());
    }

    @Override
    public boolean isRegularFile() {
        return a.type() == FileType.FILE;
    }

    @Override
    public boolean isDirectory() {
        return a.type() == FileType.DIRECTORY;
    }

    @Override
    public boolean isSymbolicLink() {
        return a.type() == FileType.SYMLINK;
    }

    @Override
    public boolean isOther() {
        return false;
    }

    @Override
    public long size() {
        return a.size();
    }

    @Override
    public Object fileKey() {
        return a.inode();
    }

    @Override
    public UserPrincipal owner() {
        return new Principals.Uid(a.uid());
    }

    @Override
    public GroupPrincipal group() {
        return new Principals.Gid(a.gid());
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(a.mode());
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                out.add(all[i]);
            }
        }
        return out;
    }

    static int mode(Set<?> permissions) {
        int mode = 0;
        for (Object p : permissions) {
            if (!(p instanceof PosixFilePermission perm)) {
                throw new ClassCastException("not a PosixFilePermission: " + p);
            }
            mode |= 0400 >> perm.ordinal();
        }
        return mode;
    }

    /** The permission bits a new file or directory gets: from a posix:permissions attribute, else the default. */
    static int modeOf(FileAttribute<?>[] attrs, int fallback) {
        int mode = fallback;
        for (FileAttribute<?> a : attrs) {
            switch (a.name()) {
                case "posix:permissions", "unix:permissions" -> {
                    if (!(a.value() instanceof Set<?> perms)) {
                        throw new IllegalArgumentException("posix:permissions takes a Set<PosixFilePermission>, not " + a.value());
                    }
                    mode = mode(perms);
                }
                case "unix:mode" -> {
                    if (!(a.value() instanceof Integer m)) {
                        throw new IllegalArgumentException("unix:mode takes an Integer, not " + a.value());
                    }
                    mode = m & 07777;
                }
                default -> throw new UnsupportedOperationException("'" + a.name()
                        + "' cannot be set when making a fos file; posix:permissions can");
            }
        }
        return mode;
    }

    /**
     * The attributes a list names ({@code *} for all) of a view.
     *
     * @throws IllegalArgumentException if a name is not an attribute of the view
     */
    Map<String, Object> select(String view, String list) {
        Map<String, Object> all = all(view);
        if (list.equals("*")) {
            return all;
        }
        Map<String, Object> out = new HashMap<>();
        for (String name : list.split(",")) {
            if (!all.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a " + view + " attribute; they are " + new java.util.TreeSet<>(all.keySet()));
            }
            out.put(name, all.get(name));
        }
        return out;
    }

    /** Every attribute of the basic, posix and unix views, by name. */
    Map<String, Object> all(String view) {
        Map<String, Object> m = new HashMap<>();
        m.put("size", size());
        m.put("lastModifiedTime", lastModifiedTime());
        m.put("lastAccessTime", lastAccessTime());
        m.put("creationTime", creationTime());
        m.put("isRegularFile", isRegularFile());
        m.put("isDirectory", isDirectory());
        m.put("isSymbolicLink", isSymbolicLink());
        m.put("isOther", false);
        m.put("fileKey", fileKey());
        if (view.equals("posix") || view.equals("unix") || view.equals("owner")) {
            m.put("owner", owner());
        }
        if (view.equals("posix") || view.equals("unix")) {
            m.put("group", group());
            m.put("permissions", permissions());
        }
        if (view.equals("unix")) {
            m.put("mode", a.mode() | typeBits());
            m.put("uid", a.uid());
            m.put("gid", a.gid());
            m.put("ino", a.inode());
            m.put("nlink", a.links());
            m.put("ctime", FileTime.fromMillis(a.changedMillis()));
            m.put("dev", 0L);
            m.put("rdev", 0L);
        }
        if (view.equals("owner")) {
            m.keySet().retainAll(Set.of("owner"));
        }
        return m;
    }

    private int typeBits() {
        return switch (a.type()) {
            case DIRECTORY -> 0040000;
            case SYMLINK -> 0120000;
            case FILE -> 0100000;
        };
    }

    /** The view that reads these attributes and sets times, permissions and owners. */
    static final class View implements PosixFileAttributeView {
        private final FosFileSystem fs;
        private final FosPath path;
        private final boolean follow;
        private final String name;

        View(FosFileSystem fs, FosPath path, boolean follow, String name) {
            this.fs = fs;
            this.path = path;
            this.follow = follow;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        private long inode() throws IOException {
            return fs.resolve(path, follow).entry().inode();
        }

        @Override
        public PosixFileAttributes readAttributes() throws IOException {
            long inode = inode();
            return new FosAttributes(fs.await(() -> fs.server().stat(FileSystemFleet.groupOf(inode), inode), path));
        }

        @Override
        public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
            long inode = inode();
            owned(inode);
            long modified = lastModifiedTime == null ? -1 : lastModifiedTime.toMillis();
            long accessed = lastAccessTime == null ? -1 : lastAccessTime.toMillis();
            fs.await(() -> fs.server().setTimes(FileSystemFleet.groupOf(inode), inode, modified, accessed), path);
        }

        /** Sets one attribute by name, as {@code Files.setAttribute} does. */
        void set(String name, Object value, String attribute) throws IOException {
            switch (this.name + ":" + name) {
                case "basic:lastModifiedTime", "posix:lastModifiedTime", "unix:lastModifiedTime" -> setTimes((FileTime) value, null, null);
                case "basic:lastAccessTime", "posix:lastAccessTime", "unix:lastAccessTime" -> setTimes(null, (FileTime) value, null);
                case "basic:creationTime", "posix:creationTime", "unix:creationTime" ->
                    throw new UnsupportedOperationException("a fos file's creation time cannot be set");
                case "posix:permissions", "unix:permissions" -> setPermissions(castPermissions(value));
                case "posix:owner", "owner:owner", "unix:owner" -> setOwner((UserPrincipal) value);
                case "posix:group", "unix:group" -> setGroup((GroupPrincipal) value);
                case "unix:mode" -> setMode((Integer) value);
                case "unix:uid" -> set(-1, (Integer) value, -1);
                case "unix:gid" -> set(-1, -1, (Integer) value);
                default -> throw new IllegalArgumentException("'" + attribute + "' cannot be set; times, posix:permissions, posix:owner,"
                        + " posix:group, unix:mode, unix:uid and unix:gid can");
            }
        }

        @Override
        public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
            set(mode(perms), -1, -1);
        }

        /** chmod with every bit, set-id and sticky included. */
        void setMode(int mode) throws IOException {
            set(mode & 07777, -1, -1);
        }

        @Override
        public void setGroup(GroupPrincipal group) throws IOException {
            set(-1, -1, Principals.uidOf(group));
        }

        @Override
        public UserPrincipal getOwner() throws IOException {
            return readAttributes().owner();
        }

        @Override
        public void setOwner(UserPrincipal owner) throws IOException {
            set(-1, Principals.uidOf(owner), -1);
        }

        void set(int mode, int uid, int gid) throws IOException {
            long inode = inode();
            Attributes a = owned(inode);
            if (uid >= 0 && uid != a.uid() && fs.user().uid() != 0) {
                throw new java.nio.file.AccessDeniedException(path.toString(), null, "only root gives a file to another user");
            }
            fs.await(() -> fs.server().setAttributes(FileSystemFleet.groupOf(inode), inode, mode, uid, gid), path);
        }

        /** The attributes, if the user owns the file (or is root): chmod, chown and utimes need that. */
        private Attributes owned(long inode) throws IOException {
            Attributes a = fs.await(() -> fs.server().stat(FileSystemFleet.groupOf(inode), inode), path);
            if (fs.user().uid() != 0 && fs.user().uid() != a.uid()) {
                throw new java.nio.file.AccessDeniedException(path.toString(), null, "user " + fs.user().uid()
                        + " does not own it (owner " + a.uid() + ")");
            }
            return a;
        }
    }

    @SuppressWarnings("unchecked")
    static Set<PosixFilePermission> castPermissions(Object value) {
        if (!(value instanceof Set<?> s)) {
            throw new ClassCastException("posix:permissions takes a Set<PosixFilePermission>, not " + value);
        }
        mode(s);
        return (Set<PosixFilePermission>) s;
    }
}
