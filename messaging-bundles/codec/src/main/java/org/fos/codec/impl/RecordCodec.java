package org.fos.codec.impl;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;

/**
 * A record: a count, then each component as its name and its value, in declaration order. A reader
 * matches components by name (the next one in its own order first, so the same version costs one
 * comparison a component), skips names it does not know, gives components missing from the bytes
 * their default, and builds the record through its canonical constructor, which may refuse the
 * values. Accessors and constructor are method handles, looked up once per allow-list snapshot.
 */
final class RecordCodec extends TypeCodec {

    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

    /** One component: its name as written and as compared, how to get it, how to carry it. */
    private record Component(String name, byte[] utf8, byte[] prefixed, MethodHandle getter, Slot slot) {
    }

    private Component[] components;
    private Constructor<?> constructor;
    private BinaryFormat format;
    private RuntimeException unusable;

    RecordCodec(Class<?> type, String wireName) {
        super(type, wireName);
    }

    /**
     * Finds the components' slots, accessors and the canonical constructor. Separate from the
     * constructor so that records that reach each other can be linked after all are made.
     *
     * @param in the format this codec belongs to
     */
    void link(BinaryFormat in) {
        format = in;
        RecordComponent[] rcs = type.getRecordComponents();
        Component[] cs = new Component[rcs.length];
        Class<?>[] types = new Class<?>[rcs.length];
        try {
            // the record is in another bundle, whose package this one does not import: reflection, made accessible
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            for (int i = 0; i < rcs.length; i++) {
                Method accessor = rcs[i].getAccessor();
                accessor.setAccessible(true);
                byte[] utf8 = rcs[i].getName().getBytes(StandardCharsets.UTF_8);
                cs[i] = new Component(rcs[i].getName(), utf8, prefixed(rcs[i].getName()), lookup.unreflect(accessor).asType(GETTER),
                        in.slotFor(rcs[i].getGenericType()));
                types[i] = rcs[i].getType();
            }
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            constructor = canonical;
            components = cs;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // kept for the first use: an allow-list change must not fail for a type nobody sends
            unusable = new IllegalArgumentException("cannot carry " + type.getName() + ": " + e, e);
        }
    }

    @Override
    void writeNamed(Sink out, Object value, int depth) {
        out.u8(Tags.RECORD);
        out.bytes(prefixedName);
        writeBody(out, value, Slot.deeper(depth));
    }

    @Override
    void writeDeclared(Sink out, Object value, int depth) {
        out.u8(Tags.RECORD_DECLARED);
        writeBody(out, value, Slot.deeper(depth));
    }

    private void writeBody(Sink out, Object value, int depth) {
        if (unusable != null) {
            throw unusable;
        }
        Component[] cs = components;
        out.varint(cs.length);
        for (Component c : cs) {
            out.bytes(c.prefixed);
            Object v;
            try {
                v = (Object) c.getter.invokeExact(value);
            } catch (Throwable t) {
                throw component(c, "its accessor failed", rethrowErrors(t));
            }
            try {
                c.slot.write(out, v, depth);
            } catch (IllegalArgumentException e) {
                throw component(c, e.getMessage(), e);
            }
        }
    }

    @Override
    Object readBody(Source in, int depth) {
        if (unusable != null) {
            throw unusable;
        }
        Component[] cs = components;
        int n = in.count(2, "components");
        Object[] values = new Object[cs.length];
        boolean[] seen = new boolean[cs.length];
        int next = 0;
        for (int k = 0; k < n; k++) {
            int at = in.skipLengthPrefixed();
            int i = find(in.buf, at, in.pos - at, next);
            if (i < 0) {
                format.skip(in, in.u8(), depth);
                continue;
            }
            Component c = cs[i];
            if (seen[i]) {
                throw in.malformed("component " + type.getName() + '.' + c.name + " twice");
            }
            seen[i] = true;
            try {
                values[i] = c.slot.read(in, depth);
            } catch (IllegalArgumentException e) {
                throw component(c, e.getMessage(), e);
            }
            next = i + 1;
        }
        for (int i = 0; i < cs.length; i++) {
            if (!seen[i]) {
                values[i] = cs[i].slot.missing();
            }
        }
        try {
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException | RuntimeException t) {
            Throwable cause = t instanceof InvocationTargetException ite ? rethrowErrors(ite.getCause()) : t;
            throw new IllegalArgumentException("cannot make a " + type.getName() + " of the decoded components: "
                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
        }
    }

    /** The index of the component named by {@code buf[at, at + length)}, trying {@code next} first; -1 if none. */
    private int find(byte[] buf, int at, int length, int next) {
        Component[] cs = components;
        if (next < cs.length && NameTable.equal(cs[next].utf8, buf, at, length)) {
            return next;
        }
        for (int i = 0; i < cs.length; i++) {
            if (NameTable.equal(cs[i].utf8, buf, at, length)) {
                return i;
            }
        }
        return -1;
    }

    private IllegalArgumentException component(Component c, String what, Throwable cause) {
        return new IllegalArgumentException("component " + type.getName() + '.' + c.name + ": " + what, cause);
    }

    private static Throwable rethrowErrors(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t;
    }
}
