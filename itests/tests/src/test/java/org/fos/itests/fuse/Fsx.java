package org.fos.itests.fuse;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The checks of fsx (the file-system exerciser of BSD and xfstests, which Debian does not package):
 * random reads (25%), writes (30%), truncations shrinking and growing (25%), memory-mapped reads and
 * writes (10% each), and closing and opening again (0.2%, as fsx's -c 500), on one file, each
 * checked against a copy of the content in memory; the whole file is compared at every reopen and at
 * the end. Seeded, so a failure can be replayed;
 * the operation that failed and the ones before it are in the error.
 */
final class Fsx {
    private final Path file;
    private final long seed;
    private final int maxLength;
    private final int maxOp;
    private byte[] model = new byte[0];
    private RandomAccessFile raf;
    private final StringBuilder recent = new StringBuilder();
    private long op;
    private final long[] counts = new long[6];

    Fsx(Path file, long seed, int maxLength, int maxOp) {
        this.file = file;
        this.seed = seed;
        this.maxLength = maxLength;
        this.maxOp = maxOp;
    }

    /** Runs a number of operations; returns a line of how many of each kind ran. */
    String run(long operations) throws IOException {
        Random r = new Random(seed);
        raf = new RandomAccessFile(file.toFile(), "rw");
        raf.setLength(0);
        try {
            for (op = 1; op <= operations; op++) {
                int kind = r.nextInt(1000);
                if (kind < 250) {
                    read(r);
                } else if (kind < 550) {
                    write(r);
                } else if (kind < 650) {
                    mapRead(r);
                } else if (kind < 750) {
                    mapWrite(r);
                } else if (kind < 998) {
                    truncate(r);
                } else {
                    reopen();
                }
            }
            reopen();
        } finally {
            raf.close();
        }
        return String.format("fsx: %d operations (seed %d): %d reads, %d writes, %d mapped reads, %d mapped writes, %d truncations,"
                + " %d reopens", operations, seed, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    }

    private void log(String what) {
        if (recent.length() > 4000) {
            recent.delete(0, recent.length() - 2000);
        }
        recent.append(op).append(' ').append(what).append('\n');
    }

    private AssertionError failed(String what) {
        return new AssertionError("fsx (seed " + seed + ") operation " + op + ": " + what + "\nthe last operations:\n" + recent);
    }

    private void read(Random r) throws IOException {
        counts[0]++;
        if (model.length == 0) {
            return;
        }
        int off = r.nextInt(model.length);
        int len = 1 + r.nextInt(Math.min(maxOp, model.length - off));
        log("read " + off + " " + len);
        byte[] got = new byte[len];
        raf.seek(off);
        raf.readFully(got);
        check(got, off, len);
    }

    private void check(byte[] got, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (got[i] != model[off + i]) {
                throw failed("byte " + (off + i) + " reads " + got[i] + ", expected " + model[off + i]);
            }
        }
    }

    private void write(Random r) throws IOException {
        counts[1]++;
        int off = r.nextInt(maxLength);
        int len = 1 + r.nextInt(Math.min(maxOp, maxLength - off));
        byte[] data = new byte[len];
        r.nextBytes(data);
        log("write " + off + " " + len + " (size " + model.length + ")");
        raf.seek(off);
        raf.write(data);
        if (off + len > model.length) {
            model = Arrays.copyOf(model, off + len);
        }
        System.arraycopy(data, 0, model, off, len);
        if (raf.length() != model.length) {
            throw failed("the size is " + raf.length() + " after a write, expected " + model.length);
        }
    }

    private void mapRead(Random r) throws IOException {
        counts[2]++;
        if (model.length == 0) {
            return;
        }
        int off = r.nextInt(model.length);
        int len = 1 + r.nextInt(Math.min(maxOp, model.length - off));
        log("mapread " + off + " " + len);
        MappedByteBuffer m = raf.getChannel().map(FileChannel.MapMode.READ_ONLY, off, len);
        byte[] got = new byte[len];
        m.get(got);
        check(got, off, len);
    }

    private void mapWrite(Random r) throws IOException {
        counts[3]++;
        if (model.length == 0) {
            return;
        }
        int off = r.nextInt(model.length);
        int len = 1 + r.nextInt(Math.min(maxOp, model.length - off));
        byte[] data = new byte[len];
        r.nextBytes(data);
        log("mapwrite " + off + " " + len);
        MappedByteBuffer m = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, off, len);
        m.put(ByteBuffer.wrap(data));
        m.force();
        System.arraycopy(data, 0, model, off, len);
    }

    private void truncate(Random r) throws IOException {
        counts[4]++;
        int size = r.nextInt(maxLength + 1);
        log("truncate " + size + " (from " + model.length + ")");
        raf.setLength(size);
        model = Arrays.copyOf(model, size);
        if (raf.length() != size) {
            throw failed("the size is " + raf.length() + " after a truncation to " + size);
        }
    }

    private void reopen() throws IOException {
        counts[5]++;
        log("close and open");
        raf.close();
        raf = new RandomAccessFile(file.toFile(), "rw");
        if (raf.length() != model.length) {
            throw failed("the size is " + raf.length() + " after opening again, expected " + model.length);
        }
        byte[] all = new byte[model.length];
        raf.readFully(all);
        check(all, 0, model.length);
    }
}
