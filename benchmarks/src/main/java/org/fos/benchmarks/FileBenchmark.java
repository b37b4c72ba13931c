package org.fos.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * File operations on 4 KiB files (issue 6, row 9), each through plain {@code java.nio.file} calls:
 * on {@code fos:} paths (the provider over the file-system fleet on a RAM block device,
 * {@link FosFilesNode}) and, as the baseline of the same run, on the default file system in
 * {@code nioDir} ({@code /dev/shm}, a tmpfs, where there is one; {@code benchmarks/run} passes it).
 * Each operation is its own benchmark; files to create are removed after each call and files to
 * unlink made before it, outside the timed part. Sample mode: the report has p50 and p99. The JIT compiles
 * the fos file path for about 8 s on 2 cores ({@code -prof comp}, ADR 0113): warm up for 10.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FileBenchmark -f 1 -wi 10 -i 3 -w 1s -r 1s -prof comp</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FileBenchmark {

    /** Bytes of a file. */
    static final int FILE_BYTES = 4096;

    /** Where the files are: {@code fos} paths or {@code nio} in {@link #nioDir}. */
    @Param({"fos", "nio"})
    public String fs;

    /** The folder of the java.nio baseline's files (a fresh folder is made in it); unused for fos. */
    @Param({"/dev/shm"})
    public String nioDir;

    private FosFilesNode node;
    private Path dir;
    private Path existing;
    private byte[] data;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(FILE_BYTES);

    /** Creates the benchmark state; JMH calls it. */
    public FileBenchmark() {
    }

    /**
     * Starts the file system (for fos), makes the benchmark's folder and the file to read.
     *
     * @throws IOException if the folder or the file cannot be made
     */
    @Setup
    public void setUp() throws IOException {
        if ("fos".equals(fs)) {
            node = new FosFilesNode();
            dir = Files.createDirectories(node.fileSystem().getPath("/bench"));
        } else if ("nio".equals(fs)) {
            Path parent = Path.of(nioDir);
            if (!Files.isDirectory(parent)) {
                throw new IllegalArgumentException("nioDir " + nioDir + " is not a folder");
            }
            dir = Files.createTempDirectory(parent, "fos-bench-");
        } else {
            throw new IllegalArgumentException("fs is fos or nio, not " + fs);
        }
        data = new byte[FILE_BYTES];
        new Random(42).nextBytes(data);
        existing = dir.resolve("existing");
        Files.write(existing, data);
    }

    /**
     * Removes the files and stops the file system.
     *
     * @throws IOException if a file cannot be removed
     */
    @TearDown
    public void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
        if (node != null) {
            node.close();
        }
    }

    /** A file name that does not exist when a call starts: the file is removed after each call. */
    @State(Scope.Thread)
    public static class Fresh {
        private Path path;

        /** Creates the state; JMH calls it. */
        public Fresh() {
        }

        /**
         * Names the file.
         *
         * @param files the benchmark's state
         */
        @Setup
        public void name(FileBenchmark files) {
            path = files.dir.resolve("fresh");
        }

        /**
         * Removes the file the call made.
         *
         * @throws IOException if it cannot be removed
         */
        @TearDown(Level.Invocation)
        public void remove() throws IOException {
            Files.deleteIfExists(path);
        }
    }

    /** A 4 KiB file that exists when a call starts: it is made before each call. */
    @State(Scope.Thread)
    public static class Doomed {
        private Path path;
        private byte[] data;

        /** Creates the state; JMH calls it. */
        public Doomed() {
        }

        /**
         * Names the file.
         *
         * @param files the benchmark's state
         */
        @Setup
        public void name(FileBenchmark files) {
            path = files.dir.resolve("doomed");
            data = files.data;
        }

        /**
         * Makes the file.
         *
         * @throws IOException if it cannot be made
         */
        @Setup(Level.Invocation)
        public void make() throws IOException {
            Files.write(path, data);
        }
    }

    /**
     * Creates a file, writes 4 KiB and closes it.
     *
     * @param fresh the file's name
     * @throws IOException if a step fails
     */
    @Benchmark
    public void createWriteClose(Fresh fresh) throws IOException {
        Files.write(fresh.path, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /**
     * Opens a 4 KiB file, reads it whole and closes it.
     *
     * @return the buffer read into
     * @throws IOException if a step fails
     */
    @Benchmark
    public ByteBuffer openRead() throws IOException {
        readBuffer.clear();
        try (SeekableByteChannel ch = Files.newByteChannel(existing)) {
            while (readBuffer.hasRemaining() && ch.read(readBuffer) >= 0) {
                // read until the buffer is full or the file ends
            }
        }
        if (readBuffer.position() != FILE_BYTES) {
            throw new IllegalStateException("read " + readBuffer.position() + " bytes of " + existing + ", not " + FILE_BYTES);
        }
        return readBuffer;
    }

    /**
     * Reads a file's basic attributes.
     *
     * @return the attributes
     * @throws IOException if it fails
     */
    @Benchmark
    public BasicFileAttributes stat() throws IOException {
        return Files.readAttributes(existing, BasicFileAttributes.class);
    }

    /**
     * Removes a 4 KiB file.
     *
     * @param doomed the file
     * @throws IOException if it fails
     */
    @Benchmark
    public void unlink(Doomed doomed) throws IOException {
        Files.delete(doomed.path);
    }
}
