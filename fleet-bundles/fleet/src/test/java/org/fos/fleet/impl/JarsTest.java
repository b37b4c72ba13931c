package org.fos.fleet.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarsTest {

    private static final byte[] JAR = {'P', 'K', 3, 4, 1, 2, 3};

    @TempDir
    Path dir;

    @Test
    void readsAJarFromAFileUrlAndFromAnAbsolutePath() throws IOException {
        Path jar = Files.write(dir.resolve("kv-2.0.0.jar"), JAR);

        assertArrayEquals(JAR, Jars.read(jar.toUri().toString()));
        assertArrayEquals(JAR, Jars.read(jar.toString()));
        assertArrayEquals(JAR, Jars.read("  " + jar + "  "));
    }

    @Test
    void readsAJarFromAPathRelativeToTheWorkingFolder() throws IOException {
        Path jar = Files.write(dir.resolve("relative.jar"), JAR);
        Path relative = Path.of("").toAbsolutePath().relativize(jar);

        assertArrayEquals(JAR, Jars.read(relative.toString()));
    }

    @Test
    void saysWhichFileIsMissing() {
        Path missing = dir.resolve("no-such.jar");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Jars.read(missing.toString()));
        assertTrue(e.getMessage().contains("cannot read bundle at " + missing + ": no file " + missing), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Jars.read("target/no-such.jar"));
        assertTrue(e.getMessage().contains("(a relative path is taken from the node's folder)"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Jars.read(missing.toUri().toString()));
        assertTrue(e.getMessage().startsWith("cannot read bundle at " + missing.toUri()), e.getMessage());
    }

    @Test
    void refusesWhatIsNoJar() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Jars.read(text.toString()));
        assertTrue(e.getMessage().endsWith("is not a jar (5 bytes)"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Jars.read(dir.toString()));
        assertTrue(e.getMessage().contains("no file " + dir), e.getMessage());
    }

    @Test
    void refusesAMissingLocationAndAUrlItCannotRead() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Jars.read(" ")).getMessage()
                .startsWith("bundle location is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Jars.read("nosuchscheme://host/x.jar")).getMessage()
                .startsWith("bundle location 'nosuchscheme://host/x.jar' is not a URL that can be read"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Jars.read("bad\u0000path.jar")).getMessage()
                .startsWith("bundle location 'bad\u0000path.jar' is neither a URL nor a file path"));
    }
}
