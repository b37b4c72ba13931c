package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fos.fs.api.Attributes;
import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FileType;
import org.fos.fs.api.WalkLease;
import org.fos.fs.api.Walked;
import org.junit.jupiter.api.Test;

/** Path resolution through a lease cache: names it covers cost no call, the rest one leased walk. */
class ResolverCacheTest {
    static final long ROOT = FileSystemFleet.ROOT;
    static final Map<Long, Map<String, DirEntry>> TREE = Map.of(ROOT, Map.of("a", new DirEntry("a", 2, FileType.DIRECTORY)), 2L,
            Map.of("b", new DirEntry("b", 3, FileType.FILE)));

    long now = 1_000_000_000L;
    final LeaseCache cache = new LeaseCache(100, () -> now);
    final List<String> calls = new ArrayList<>();

    static Attributes attributes(long inode) {
        return new Attributes(inode, inode == 3 ? FileType.FILE : FileType.DIRECTORY, 0, 1, 0, 0, 0, 0, 0, 1, 0644, 0, 0, 0);
    }

    final Resolver resolver = new Resolver(new Resolver.Calls() {
        @Override
        public Walked walk(int group, long dir, List<String> names, String path) {
            throw new AssertionError("a resolver with a cache walks with leases");
        }

        @Override
        public String readlink(int group, long inode, String path) {
            throw new AssertionError("no links here");
        }

        @Override
        public WalkLease leasedWalk(int group, long dir, List<String> names, String path) throws IOException {
            calls.add(dir + " " + names);
            List<DirEntry> passed = new ArrayList<>();
            long in = dir;
            DirEntry at = new DirEntry("", dir, FileType.DIRECTORY);
            for (String n : names) {
                at = TREE.getOrDefault(in, Map.of()).get(n);
                if (at == null) {
                    throw new NoSuchFileException(path);
                }
                passed.add(at);
                in = at.inode();
            }
            return new WalkLease(new Walked(names.size(), at, dir, attributes(at.inode())), passed, 3_000);
        }
    }, () -> cache, () -> now);

    @Test
    void shouldAnswerCoveredNamesWithoutACallAndWalkOnlyWhatARevocationTook() throws IOException {
        assertThat(resolver.resolve(List.of("a", "b"), true, "/a/b", true).attributes()).isEqualTo(attributes(3));
        assertThat(resolver.resolve(List.of("a", "b"), true, "/a/b", true).entry().inode()).isEqualTo(3);
        assertThat(calls).containsExactly("1 [a, b]");

        cache.revoke(List.of(2L));
        assertThat(resolver.resolve(List.of("a", "b"), true, "/a/b").entry().inode()).isEqualTo(3);
        assertThat(calls).as("the root's entry is still covered").containsExactly("1 [a, b]", "2 [b]");
    }

    @Test
    void shouldWalkTheLastNameWhenItsAttributesAreWantedAndNotCached() throws IOException {
        resolver.resolve(List.of("a", "b"), true, "/a/b");
        assertThat(resolver.resolve(List.of("a"), true, "/a").attributes()).as("not wanted").isNull();
        assertThat(calls).hasSize(1);

        assertThat(resolver.resolve(List.of("a"), true, "/a", true).attributes()).isEqualTo(attributes(2));
        assertThat(resolver.resolve(List.of("a"), true, "/a", true).attributes()).isEqualTo(attributes(2));
        assertThat(calls).as("a directory's attributes come from a walk of no names at it").containsExactly("1 [a, b]", "2 []");

        assertThat(resolver.resolve(List.of("a", "b"), true, "/a/b", true).attributes()).isEqualTo(attributes(3));
        cache.revoke(List.of(3L));
        assertThat(resolver.resolve(List.of("a", "b"), true, "/a/b", true).attributes()).isEqualTo(attributes(3));
        assertThat(calls).as("a file's, from a walk of its name").containsExactly("1 [a, b]", "2 []", "2 [b]");
    }

    @Test
    void shouldWalkAgainOnceTheLeaseEnded() throws IOException {
        resolver.resolve(List.of("a", "b"), true, "/a/b");
        now += 3_000_000_000L;
        resolver.resolve(List.of("a", "b"), true, "/a/b");
        assertThat(calls).containsExactly("1 [a, b]", "1 [a, b]");
    }
}
