package org.fos.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's {@code etc/logging.properties}: the log goes to a rotating file in the node's folder,
 * so that no amount of logging (refused strangers, a fault storm) fills the disk.
 */
class LoggingConfigTest {
    private static final String HANDLER = "java.util.logging.FileHandler";

    @TempDir
    Path dir;

    private static Properties shipped() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/dist/etc/logging.properties"))) {
            p.load(in);
        }
        return p;
    }

    @Test
    void shouldLogIntoARotatingFileOfTheNodesFolderOnly() throws IOException {
        Properties p = shipped();
        assertThat(p.getProperty("handlers")).isEqualTo(HANDLER);
        assertThat(p.getProperty(HANDLER + ".pattern")).isEqualTo("data/fos.log");
        assertThat(Long.parseLong(p.getProperty(HANDLER + ".limit"))).isBetween(1L << 20, 1L << 30);
        assertThat(Integer.parseInt(p.getProperty(HANDLER + ".count"))).isGreaterThan(1);
        assertThat(Level.parse(p.getProperty(".level"))).isEqualTo(Level.INFO);
    }

    @Test
    void shouldKeepTheLogUnderLimitTimesCountWhateverIsWritten() throws IOException {
        Properties p = shipped();
        int count = Integer.parseInt(p.getProperty(HANDLER + ".count"));
        int limit = 4096; // the shipped pattern and count, with a small limit so that the test writes little
        Files.createDirectories(dir.resolve("data"));
        FileHandler h = new FileHandler(dir.resolve(p.getProperty(HANDLER + ".pattern")).toString(), limit, count, true);
        h.setFormatter(new SimpleFormatter());
        try {
            for (int i = 0; i < 2_000; i++) {
                h.publish(new LogRecord(Level.WARNING, "node node-3: NOT_A_MEMBER on connection from fake-" + i));
            }
        } finally {
            h.close();
        }
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir.resolve("data"))) {
            logs = files.filter(f -> f.getFileName().toString().startsWith("fos.log.") && !f.toString().endsWith(".lck")).toList();
        }
        assertThat(logs).hasSize(count).contains(dir.resolve("data/fos.log.0"));
        long total = 0;
        for (Path f : logs) {
            assertThat(Files.size(f)).isLessThanOrEqualTo(limit + 512L);
            total += Files.size(f);
        }
        assertThat(total).isLessThanOrEqualTo((limit + 512L) * count);
    }
}
