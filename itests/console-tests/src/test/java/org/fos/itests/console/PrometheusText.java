package org.fos.itests.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.Assume;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Parses Prometheus' text exposition format with the official parser of the Prometheus Python
 * client ({@code prometheus_client.parser}, Debian's {@code python3-prometheus-client}), the
 * maintained reference parser: no Java library parses the format. A test that needs it is skipped,
 * saying so, where the package is missing.
 */
final class PrometheusText {
    static final String PYTHON = System.getProperty("fos.python", "/usr/bin/python3");
    private static final String SCRIPT = String.join("\n",
            "import json, sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "out = []",
            "for f in text_string_to_metric_families(sys.stdin.read()):",
            "    out.append({'name': f.name, 'type': f.type, 'help': f.documentation,",
            "                'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]})",
            "json.dump(out, sys.stdout)");
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /**
     * A metric family as the parser read it.
     *
     * @param name its name (without {@code _total} for a counter)
     * @param type counter, gauge, histogram, summary or unknown
     * @param help its HELP text
     * @param samples its samples
     */
    record Family(String name, String type, String help, List<Sample> samples) {
        /** The sum of the values of the samples of a name whose labels include the given ones. */
        double sum(String sample, Map<String, String> labels) {
            double total = 0;
            for (Sample s : samples) {
                if (s.name().equals(sample) && s.labels().entrySet().containsAll(labels.entrySet())) {
                    total += s.value();
                }
            }
            return total;
        }
    }

    /**
     * One sample.
     *
     * @param name the sample's name ({@code _total}, {@code _bucket}, ... included)
     * @param labels its labels
     * @param value its value
     */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private PrometheusText() {
    }

    /** Skips the calling test if the parser is not installed. */
    static void assumeParser() throws IOException, InterruptedException {
        Assume.assumeTrue("Prometheus format test skipped: " + PYTHON + " cannot import prometheus_client (apt-get install"
                + " python3-prometheus-client)", available());
    }

    /** Whether the parser is installed. */
    static boolean available() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.parser").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /**
     * Parses a scrape.
     *
     * @param text the exposition
     * @return the families, by the parser
     * @throws AssertionError if the parser refuses the text (its message is included)
     */
    static Map<String, Family> parse(String text) throws IOException, InterruptedException {
        java.nio.file.Path errors = java.nio.file.Files.createTempFile(java.nio.file.Path.of("target").toAbsolutePath(), "prometheus-", ".err");
        Process p = new ProcessBuilder(PYTHON, "-c", SCRIPT).redirectError(errors.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out;
        try (InputStream o = p.getInputStream()) {
            out = o.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("the Prometheus parser refused the scrape: " + java.nio.file.Files.readString(errors));
        }
        java.nio.file.Files.delete(errors);
        List<Family> families = new ArrayList<>(List.of(JSON.readValue(out, Family[].class)));
        Map<String, Family> byName = new java.util.LinkedHashMap<>();
        for (Family f : families) {
            byName.put(f.name(), f);
        }
        return byName;
    }
}
