package org.fos.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The house rule "never import another module's {@code .impl} package from main code" (issue 19),
 * checked over the sources of every module of the reactor: a main class that names an
 * {@code org.fos...impl} package (an import or a qualified name in code, not in comments) must be
 * in the module that holds that package. What an embedder needs lives in each module's exported
 * {@code embed} package instead (docs/embedding.md), and a new version of a module is made of the
 * packages that module publishes, never of its old implementation (ADR 0043). There are no exceptions: a
 * crossing fails the build, naming the file, the line and the package.
 */
class ModuleBoundaryTest {

    /** A reference to an implementation package of fos: the package, without the class. */
    private static final Pattern IMPL = Pattern.compile("\\borg\\.fos(?:\\.[a-z][a-z0-9_]*)*\\.impl\\b");
    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern LINE_COMMENT = Pattern.compile("//[^\\n]*");
    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\\\n])*\"");

    /** One reference of a main source file to another module's implementation package, with its source line. */
    record Crossing(String file, int line, String text, String module, String implPackage, String owner) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + text + " (" + implPackage + " of module " + owner + ")";
        }
    }

    @Test
    void shouldFindNoMainClassThatUsesAnotherModulesImplPackage() throws IOException {
        assertThat(crossings(root())).extracting(Crossing::toString).as("main code that imports another module's .impl package (use"
                + " that module's embed or API package; docs/embedding.md)").isEmpty();
    }

    @Test
    void shouldNameTheFileAndPackageWhenAModuleCrossesIntoAnother() throws IOException {
        Path root = Files.createTempDirectory("fos-boundary");
        try {
            write(root.resolve("a/src/main/java/org/fos/a/impl/Inside.java"), "package org.fos.a.impl;\nclass Inside {}\n");
            write(root.resolve("b/src/main/java/org/fos/b/Outside.java"), "package org.fos.b;\n\n"
                    + "import org.fos.a.impl.Inside; // crossing\n"
                    + "/** Not {@link org.fos.a.impl.Inside}. */\n"
                    + "class Outside { String s = \"org.fos.a.impl.X\"; Object o = new org.fos.a.impl.Inside(); }\n");
            write(root.resolve("a/src/main/java/org/fos/a/commands/Own.java"), "package org.fos.a.commands;\n"
                    + "import org.fos.a.impl.Inside;\nclass Own {}\n");

            assertThat(crossings(root)).extracting(Crossing::toString).containsExactly(
                    "b/src/main/java/org/fos/b/Outside.java:3: import org.fos.a.impl.Inside; // crossing (org.fos.a.impl of module a)",
                    "b/src/main/java/org/fos/b/Outside.java:5: class Outside { String s = \"org.fos.a.impl.X\"; Object o = new"
                            + " org.fos.a.impl.Inside(); } (org.fos.a.impl of module a)");
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** The reactor's root: the nearest folder up from the working directory that holds kernel-bundle and a pom. */
    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("kernel-bundle")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no fos reactor above " + Path.of("").toAbsolutePath());
    }

    /** Every reference of a main source file to an implementation package another module holds. */
    static List<Crossing> crossings(Path root) throws IOException {
        Map<Path, Path> sourceRoots = new TreeMap<>();
        try (Stream<Path> dirs = Files.walk(root)) {
            dirs.filter(p -> p.endsWith(Path.of("src", "main", "java")) && Files.isDirectory(p))
                    .filter(p -> !root.relativize(p).toString().contains("target") && !p.toString().contains("archetype-resources"))
                    .forEach(p -> sourceRoots.put(p, p.getParent().getParent().getParent()));
        }
        Map<String, Set<Path>> owners = new HashMap<>();
        for (Path src : sourceRoots.keySet()) {
            try (Stream<Path> dirs = Files.walk(src)) {
                dirs.filter(Files::isDirectory).forEach(d -> owners.computeIfAbsent(src.relativize(d).toString().replace('/', '.'),
                        k -> new TreeSet<>()).add(sourceRoots.get(src)));
            }
        }
        List<Crossing> crossings = new ArrayList<>();
        for (Map.Entry<Path, Path> e : sourceRoots.entrySet()) {
            Path module = e.getValue();
            try (Stream<Path> files = Files.walk(e.getKey())) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java")).sorted()::iterator) {
                    scan(root, module, file, owners, crossings);
                }
            }
        }
        return crossings;
    }

    private static void scan(Path root, Path module, Path file, Map<String, Set<Path>> owners, List<Crossing> out) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String code = blank(blank(blank(text, BLOCK_COMMENT), STRING), LINE_COMMENT);
        Matcher m = IMPL.matcher(code);
        Set<String> reported = new HashSet<>();
        while (m.find()) {
            String pkg = m.group();
            Set<Path> holders = owners.getOrDefault(pkg, Set.of());
            if (holders.contains(module)) {
                continue;
            }
            int line = 1 + (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            if (reported.add(line + pkg)) {
                String owner = holders.isEmpty() ? "(none)" : holders.stream().map(h -> root.relativize(h).toString()).sorted()
                        .reduce((x, y) -> x + ", " + y).orElseThrow();
                out.add(new Crossing(root.relativize(file).toString(), line, text.lines().skip(line - 1L).findFirst().orElse("").strip(),
                        root.relativize(module).toString(), pkg, owner));
            }
        }
    }

    /** Replaces each match by spaces and its line breaks, so that offsets and line numbers stay. */
    private static String blank(String text, Pattern pattern) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start());
            for (int i = m.start(); i < m.end(); i++) {
                out.append(text.charAt(i) == '\n' ? '\n' : ' ');
            }
            last = m.end();
        }
        return out.append(text, last, text.length()).toString();
    }
}
