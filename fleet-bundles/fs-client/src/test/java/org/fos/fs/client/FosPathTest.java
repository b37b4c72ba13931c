package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FosPathTest {
    final FosFileSystemProvider provider = new FosFileSystemProvider(fleet -> null, 1000);
    final FileSystem fs = provider.fileSystem("/sys/fs");

    Path p(String text) {
        return fs.getPath(text);
    }

    @Test
    void shouldParseNamesAndDropEmptyOnes() {
        Path a = p("/docs//a.txt/");
        assertThat(a.isAbsolute()).isTrue();
        assertThat(a.getNameCount()).isEqualTo(2);
        assertThat(a.toString()).isEqualTo("/docs/a.txt");
        assertThat(a.getFileName().toString()).isEqualTo("a.txt");
        assertThat(a.getParent().toString()).isEqualTo("/docs");
        assertThat(p("/").getParent()).isNull();
        assertThat(p("rel/x").isAbsolute()).isFalse();
        assertThat(p("x").getParent()).isNull();
        assertThat(fs.getPath("/a", "b", "", "c").toString()).isEqualTo("/a/b/c");
    }

    @Test
    void shouldNormalizeLexicallyButKeepDotDotForTheServer() {
        assertThat(p("/a/./b/../c").normalize().toString()).isEqualTo("/a/c");
        assertThat(p("/../a").normalize().toString()).isEqualTo("/a");
        assertThat(p("../a/..").normalize().toString()).isEqualTo("..");
        assertThat(((FosPath) p("/a/../b")).names()).containsExactly("a", "..", "b");
    }

    @Test
    void shouldResolveRelativizeAndCompare() {
        Path base = p("/a/b");
        assertThat(base.resolve("c/d").toString()).isEqualTo("/a/b/c/d");
        assertThat(base.resolve("/x").toString()).isEqualTo("/x");
        assertThat(base.relativize(p("/a/x/y")).toString()).isEqualTo("../x/y");
        assertThat(base.resolve(base.relativize(p("/a/x/y"))).normalize()).isEqualTo(p("/a/x/y"));
        assertThat(base.startsWith(p("/a"))).isTrue();
        assertThat(base.startsWith(p("a"))).isFalse();
        assertThat(base.endsWith(p("b"))).isTrue();
        assertThat(p("/a").compareTo(p("/b"))).isNegative();
        assertThat(base.subpath(1, 2).toString()).isEqualTo("b");
        assertThatThrownBy(() -> p("/a").relativize(p("b"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.resolve(Path.of("/tmp"))).isInstanceOf(ProviderMismatchException.class);
    }

    @Test
    void shouldRefuseNulLoneSurrogatesAndLongNames() {
        assertThatThrownBy(() -> p("/a\0b")).isInstanceOf(InvalidPathException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> p("/bad\ud800")).isInstanceOf(InvalidPathException.class).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> p("/" + "x".repeat(256))).isInstanceOf(InvalidPathException.class).hasMessageContaining("255");
        assertThat(p("/\ud83d\ude00").toString()).isEqualTo("/\ud83d\ude00");
    }

    @Test
    void shouldMapToAndFromUris() {
        assertThat(p("/docs/a b.txt").toUri()).isEqualTo(URI.create("fos:/docs/a%20b.txt"));
        assertThat(provider.getPath(URI.create("fos:/docs/a%20b.txt"))).isEqualTo(p("/docs/a b.txt"));
        assertThat(provider.fileSystem("/sys/fs2").getPath("/x").toUri().toString()).isEqualTo("fos:/x?fleet=/sys/fs2");
        assertThatThrownBy(() -> provider.getPath(URI.create("fos:relative"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider.getPath(URI.create("file:/x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAnswerRootNamesAndSubpathsAndRefuseIndexesOutOfRange() {
        Path a = p("/a/b/c");
        assertThat(a.getRoot().toString()).isEqualTo("/");
        assertThat(p("a/b").getRoot()).isNull();
        assertThat(a.getName(0).toString()).isEqualTo("a");
        assertThat(a.getName(0).isAbsolute()).isFalse();
        assertThatThrownBy(() -> a.getName(3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("which has 3");
        assertThatThrownBy(() -> a.getName(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.subpath(2, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.subpath(0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThat(p("/").getFileName()).isNull();
        assertThat(p("/").getNameCount()).isZero();
        List<String> names = new ArrayList<>();
        a.forEach(n -> names.add(n.toString()));
        assertThat(names).containsExactly("a", "b", "c");
    }

    @Test
    void shouldMakeRelativePathsAbsoluteAndCompareSuffixesByWholeNames() {
        Path a = p("/a/b/c");
        assertThat(p("a/b").toAbsolutePath().toString()).isEqualTo("/a/b");
        assertThat(a.toAbsolutePath()).isSameAs(a);
        assertThat(a.resolveSibling("x").toString()).isEqualTo("/a/b/x");
        assertThat(a.relativize(a).toString()).isEmpty();
        assertThat(a.endsWith(p("/a/b/c"))).isTrue();
        assertThat(a.endsWith(p("/b/c"))).isFalse();
        assertThat(a.endsWith(p("b/c"))).isTrue();
        assertThat(a.endsWith(p("bb/c"))).isFalse();
        assertThat(p("b/c").endsWith(a)).isFalse();
        assertThat(a.startsWith(p("/a/b/c/d"))).isFalse();
        assertThat(a.startsWith(p("/a/bb"))).isFalse();
        assertThat(p("a/../..").normalize().toString()).isEqualTo("..");
    }

    @Test
    void shouldBeEqualOnlyWithinOneFileSystemAndAbsoluteness() {
        assertThat(p("/a/b")).isEqualTo(p("/a//b/")).hasSameHashCodeAs(p("/a//b/"));
        assertThat(p("/a")).isNotEqualTo(p("a"));
        assertThat(p("/a/b")).isNotEqualTo(provider.fileSystem("/sys/fs2").getPath("/a/b"));
        assertThat(p("/a").compareTo(p("/a/b"))).isNegative();
        assertThat(p("/b").compareTo(p("/a/b"))).isPositive();
    }

    @Test
    void shouldNotStartOrEndWithAPathOfAnotherFileSystem() {
        FileSystem other = provider.fileSystem("/sys/other-fs");
        assertThat(p("/a/b").startsWith(other.getPath("/a"))).isFalse();
        assertThat(p("/a/b").endsWith(other.getPath("b"))).isFalse();
        assertThat(p("/a/b").startsWith(java.nio.file.Path.of("/a"))).isFalse();
        assertThat(p("/a/b").endsWith(java.nio.file.Path.of("b"))).isFalse();
        assertThat(p("/a/b").startsWith(p("/a"))).isTrue();
        assertThat(p("/a/b").endsWith(p("b"))).isTrue();
        assertThatThrownBy(() -> p("/a").startsWith((java.nio.file.Path) null)).isInstanceOf(NullPointerException.class);
    }
}
