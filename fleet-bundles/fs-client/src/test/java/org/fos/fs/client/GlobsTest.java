package org.fos.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.util.regex.PatternSyntaxException;

import org.junit.jupiter.api.Test;

class GlobsTest {

    @Test
    void shouldMatchExactlyAsTheJdksMatcherDoes() {
        FileSystem jdk = FileSystems.getDefault();
        String[] globs = {"*", "**", "*.txt", "**/*.java", "?", "[!a]*", "[a-c]?", "[!a-c]", "{x,y}*.txt", "a\\*", "[-a]x", "*.[ch]",
            "{a,b}/**", "x{,y}", "a.b", "(x)", "+", "a$"};
        String[] names = {"a", "b", "ab", "bc", "d", "x", "xy", "x1.txt", "y.txt", "z.txt", "q/b", "q/r/b", "f.c", "f.h", "f.o", "a*",
            "-x", "ax", "a/b/c", "b/x", "src/A.java", "A.java", "]", "a.b", "axb", "(x)", "+", "a$", ""};
        for (String glob : globs) {
            PathMatcher theirs = jdk.getPathMatcher("glob:" + glob);
            java.util.regex.Pattern mine = Globs.compile(glob);
            for (String n : names) {
                assertThat(mine.matcher(n).matches()).as("glob %s on %s", glob, n).isEqualTo(theirs.matches(jdk.getPath(n)));
            }
        }
    }

    @Test
    void shouldRefuseWhatTheJdkRefuses() {
        assertThatThrownBy(() -> Globs.compile("[abc")).isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> Globs.compile("{a,{b}}")).isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> Globs.compile("{a")).isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> Globs.compile("[a/b]")).isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> Globs.compile("a\\")).isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> Globs.compile("[c-a]")).isInstanceOf(PatternSyntaxException.class);
    }
}
