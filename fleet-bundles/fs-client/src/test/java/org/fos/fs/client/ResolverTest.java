package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.Walked;
import org.junit.jupiter.api.Test;

/** Path resolution against a tree in memory whose directories live in two groups owned by two "members". */
class ResolverTest {
    static final long ROOT = FileSystemFleet.ROOT;

    /** The tree: entries by directory, parents, link targets; a walk stops at a directory of the other member. */
    final Map<Long, Map<String, DirEntry>> dirs = new HashMap<>();
    final Map<Long, Long> parents = new HashMap<>();
    final Map<Long, String> links = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    long next = 2;

    long dir(long parent, String name, int group) {
        long inode = ((long) group << 32) | next++;
        dirs.computeIfAbsent(parent, p -> new HashMap<>()).put(name, new DirEntry(name, inode, FileType.DIRECTORY));
        dirs.put(inode, new HashMap<>());
        parents.put(inode, parent);
        return inode;
    }

    long file(long parent, String name) {
        long inode = (FileSystemFleet.groupOf(parent) * (1L << 32)) | next++;
        dirs.get(parent).put(name, new DirEntry(name, inode, FileType.FILE));
        return inode;
    }

    long link(long parent, String name, String target) {
        long inode = (FileSystemFleet.groupOf(parent) * (1L << 32)) | next++;
        dirs.get(parent).put(name, new DirEntry(name, inode, FileType.SYMLINK));
        links.put(inode, target);
        return inode;
    }

    static int memberOf(long inode) {
        return FileSystemFleet.groupOf(inode) % 2;
    }

    final Resolver resolver = new Resolver(new Resolver.Calls() {
        @Override
        public Walked walk(int group, long dir, List<String> names, String path) throws IOException {
            calls.add("walk " + group + " " + names);
            int member = group % 2;
            DirEntry at = new DirEntry("", dir, FileType.DIRECTORY);
            long in = dir;
            int consumed = 0;
            for (String n : names) {
                if (at.type() != FileType.DIRECTORY) {
                    throw new NotDirectoryException("inode " + at.inode());
                }
                if (memberOf(at.inode()) != member) {
                    break;
                }
                in = at.inode();
                if (n.equals("..")) {
                    at = new DirEntry("..", at.inode() == ROOT ? ROOT : parents.get(at.inode()), FileType.DIRECTORY);
                } else if (!n.equals(".")) {
                    at = dirs.get(at.inode()).get(n);
                    if (at == null) {
                        throw new NoSuchFileException("inode " + in + "/" + n);
                    }
                }
                consumed++;
                if (at.type() == FileType.SYMLINK) {
                    break;
                }
            }
            return new Walked(consumed, at, in, null);
        }

        @Override
        public String readlink(int group, long inode, String path) {
            calls.add("readlink " + inode);
            return links.get(inode);
        }
    });

    Resolver.Found resolve(String path, boolean follow) throws IOException {
        return resolver.resolve(Resolver.split(path), follow, path);
    }

    ResolverTest() {
        dirs.put(ROOT, new HashMap<>());
        parents.put(ROOT, ROOT);
    }

    @Test
    void shouldResolveAPathOfOneMembersDirectoriesInOneCall() throws IOException {
        long a = dir(ROOT, "a", 0);
        long b = dir(a, "b", 2);
        long f = file(b, "f");
        assertThat(resolve("/a/b/f", true).entry().inode()).isEqualTo(f);
        assertThat(calls).containsExactly("walk 0 [a, b, f]");
    }

    @Test
    void shouldGoOnAtTheMemberOfTheNextGroup() throws IOException {
        long a = dir(ROOT, "a", 1);
        long b = dir(a, "b", 0);
        long f = file(b, "f");
        assertThat(resolve("/a/b/f", true).entry().inode()).isEqualTo(f);
        assertThat(calls).containsExactly("walk 0 [a, b, f]", "walk 1 [b, f]", "walk 0 [f]");
    }

    @Test
    void shouldNeedTheDirectoryBeforeDotDot() throws IOException {
        long a = dir(ROOT, "a", 0);
        file(ROOT, "b");
        assertThatThrownBy(() -> resolve("/missing/../b", true)).isInstanceOf(NoSuchFileException.class);
        assertThat(resolve("/a/../b", true).entry().name()).isEqualTo("b");
        assertThat(resolve("/../../a", true).entry().inode()).isEqualTo(a);
        assertThat(resolve("/a/./.", true).entry().inode()).isEqualTo(a);
    }

    @Test
    void shouldFollowRelativeAndAbsoluteLinks() throws IOException {
        long a = dir(ROOT, "a", 0);
        long b = dir(a, "b", 0);
        long f = file(b, "f");
        link(a, "rel", "b/f");
        link(ROOT, "abs", "/a/b");
        link(b, "up", "../rel");
        assertThat(resolve("/a/rel", true).entry().inode()).isEqualTo(f);
        assertThat(resolve("/abs/f", true).entry().inode()).isEqualTo(f);
        assertThat(resolve("/abs/up", true).entry().inode()).isEqualTo(f);
        Resolver.Found unfollowed = resolve("/a/rel", false);
        assertThat(unfollowed.entry().type()).isEqualTo(FileType.SYMLINK);
        assertThat(unfollowed.directory()).isEqualTo(a);
    }

    @Test
    void shouldStopALoopOfLinks() {
        link(ROOT, "x", "y");
        link(ROOT, "y", "/x");
        assertThatThrownBy(() -> resolve("/x", true)).isInstanceOf(FileSystemException.class)
                .hasMessageContaining("Too many levels of symbolic links");
    }

    @Test
    void shouldRefuseAFileInTheMiddle() {
        file(ROOT, "f");
        assertThatThrownBy(() -> resolve("/f/x", true)).isInstanceOf(NotDirectoryException.class);
    }
}
