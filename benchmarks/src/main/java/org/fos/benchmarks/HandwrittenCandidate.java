package org.fos.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fos.benchmarks.Messages.Entry;
import org.fos.benchmarks.Messages.PutResult;
import org.fos.benchmarks.Messages.Reply;
import org.fos.benchmarks.Messages.Request;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;

/**
 * The baseline: a hand-written {@link ByteBuffer} codec of exactly the benchmark's messages, one tag
 * byte per value and length-prefixed strings and byte arrays. No names, no evolution, no
 * allow-list: the floor a library is measured against. Not thread-safe (one buffer is reused).
 */
final class HandwrittenCandidate implements Candidate {

    private static final byte REQUEST = 1;
    private static final byte REPLY = 2;
    private static final byte PUT_RESULT = 3;
    private static final byte ENTRY = 4;
    private static final byte CAPABILITY = 5;
    private static final byte STRING = 6;
    private static final byte BYTES = 7;

    private final ByteBuffer buffer = ByteBuffer.allocate(1024);

    @Override
    public byte[] encode(Object payload) {
        buffer.clear();
        write(payload);
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private void write(Object value) {
        if (value instanceof Request r) {
            buffer.put(REQUEST);
            string(r.method());
            buffer.putInt(r.args().size());
            for (Object a : r.args()) {
                write(a);
            }
        } else if (value instanceof Reply r) {
            buffer.put(REPLY);
            write(r.value());
        } else if (value instanceof PutResult p) {
            buffer.put(PUT_RESULT).putLong(p.revision());
            string(p.servedBy());
        } else if (value instanceof Entry e) {
            buffer.put(ENTRY);
            string(e.key());
            bytes(e.value());
            buffer.putLong(e.revision());
        } else if (value instanceof Capability c) {
            buffer.put(CAPABILITY);
            string(c.address().node());
            buffer.putLong(c.address().mailbox()).putInt(c.rights()).putLong(c.tokenHigh()).putLong(c.tokenLow());
        } else if (value instanceof String s) {
            buffer.put(STRING);
            string(s);
        } else if (value instanceof byte[] b) {
            buffer.put(BYTES);
            bytes(b);
        } else {
            throw new IllegalArgumentException("the hand-written codec cannot carry " + value);
        }
    }

    private void string(String s) {
        bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private void bytes(byte[] b) {
        buffer.putInt(b.length).put(b);
    }

    @Override
    public Object decode(byte[] bytes) {
        return read(ByteBuffer.wrap(bytes));
    }

    private static Object read(ByteBuffer in) {
        byte tag = in.get();
        return switch (tag) {
            case REQUEST -> {
                String method = string(in);
                int n = in.getInt();
                List<Object> args = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    args.add(read(in));
                }
                yield new Request(method, List.copyOf(args));
            }
            case REPLY -> new Reply(read(in));
            case PUT_RESULT -> new PutResult(in.getLong(), string(in));
            case ENTRY -> new Entry(string(in), bytes(in), in.getLong());
            case CAPABILITY -> new Capability(new Address(string(in), in.getLong()), in.getInt(), in.getLong(), in.getLong());
            case STRING -> string(in);
            case BYTES -> bytes(in);
            default -> throw new IllegalArgumentException("unknown tag " + tag);
        };
    }

    private static String string(ByteBuffer in) {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return b;
    }
}
