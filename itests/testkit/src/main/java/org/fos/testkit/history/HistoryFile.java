package org.fos.testkit.history;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * Histories as JSON lines: one {@link Operation} a line, its fields by name, for instance
 * <pre>
 * {"id":3,"process":1,"key":"k1","kind":"WRITE","value":"v7","expected":null,"applied":null,"outcome":"OK","invoke":5,"complete":9,"invokeNanos":1200311,"completeNanos":1830122,"note":null}
 * </pre>
 * A file written by a failed check can be read back and checked again, or edited by hand to a
 * smaller example.
 */
public final class HistoryFile {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
    private static final ObjectWriter WRITER = MAPPER.writerFor(Operation.class);
    private static final ObjectReader READER = MAPPER.readerFor(Operation.class);

    private HistoryFile() {
    }

    /**
     * Writes operations to a file, one JSON object a line, replacing the file; the folder is
     * created if missing.
     *
     * @param file the file
     * @param operations the operations
     * @return the file
     * @throws IOException if it cannot be written
     */
    public static Path write(Path file, List<Operation> operations) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Operation op : operations) {
                w.write(WRITER.writeValueAsString(op));
                w.write('\n');
            }
        }
        return file;
    }

    /**
     * Reads operations from a JSON-lines file; blank lines are skipped.
     *
     * @param file the file
     * @return the operations, in the file's order
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if a line is not a valid operation, or two operations share an
     *         id or an event index (the message names the line)
     */
    public static List<Operation> read(Path file) throws IOException {
        List<Operation> out = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        Set<Long> events = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line; (line = r.readLine()) != null;) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                Operation op;
                try {
                    op = READER.readValue(line);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(file + " line " + n + " is not an operation: " + e.getOriginalMessage(), e);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + n + ": " + e.getMessage(), e);
                }
                if (op == null) {
                    throw new IllegalArgumentException(file + " line " + n + " is not an operation: null");
                }
                if (!ids.add(op.id())) {
                    throw new IllegalArgumentException(file + " line " + n + ": operation id " + op.id() + " appears twice");
                }
                if (!events.add(op.invoke()) || (op.complete() != -1 && !events.add(op.complete()))) {
                    throw new IllegalArgumentException(file + " line " + n + ": operation " + op.id()
                            + " shares an event index with another operation; every invocation and completion needs its own");
                }
                out.add(op);
            }
        }
        return out;
    }
}
