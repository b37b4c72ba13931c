package org.fos.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the report says about the machine, read from {@code /proc} (Linux). */
final class Machine {

    private Machine() {
    }

    private static List<String> read(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Returns the CPU's model name.
     *
     * @return the first {@code model name} of {@code /proc/cpuinfo}, or "unknown"
     */
    static String cpuModel() {
        for (String l : read("/proc/cpuinfo")) {
            if (l.startsWith("model name")) {
                return l.substring(l.indexOf(':') + 1).strip();
            }
        }
        return "unknown";
    }

    /**
     * Returns how many processors Linux lists.
     *
     * @return the count of {@code processor} lines of {@code /proc/cpuinfo}, or the JVM's count
     */
    static int cores() {
        int n = (int) read("/proc/cpuinfo").stream().filter(l -> l.startsWith("processor")).count();
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Returns the memory.
     *
     * @return {@code MemTotal} of {@code /proc/meminfo} in GiB, or "unknown"
     */
    static String memory() {
        for (String l : read("/proc/meminfo")) {
            if (l.startsWith("MemTotal:")) {
                long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
            }
        }
        return "unknown";
    }
}
