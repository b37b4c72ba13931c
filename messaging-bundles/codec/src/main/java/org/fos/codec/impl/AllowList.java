package org.fos.codec.impl;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;

/**
 * The types the codec may name on the wire, as bundles allowed them.
 *
 * <p>A registration is a root type (a record or an enum) under a wire name, plus every record and
 * enum reachable from its components, each under its class name. Registrations are kept in order;
 * when several hold the same name, the newest wins, and closing it brings the previous one back.
 * Changes are rare (a bundle starts or stops) and take a lock; each change publishes an immutable
 * {@link Snapshot} that readers take with one volatile read.
 */
final class AllowList {

    /** An immutable view of the allowed types, by wire name and by class. */
    record Snapshot(Map<String, Class<?>> byName, Map<Class<?>, String> byType) {

        /**
         * Returns the type a wire name stands for.
         *
         * @param name the wire name
         * @return the type, or null if the name is not allowed
         */
        Class<?> typeOf(String name) {
            return byName.get(name);
        }

        /**
         * Returns the wire name of a type.
         *
         * @param type the type
         * @return the name, or null if the type is not allowed
         */
        String nameOf(Class<?> type) {
            return byType.get(type);
        }
    }

    private record Entry(String name, Class<?> type) {
    }

    private final List<List<Entry>> registrations = new ArrayList<>(); // guarded by this
    private final Consumer<Snapshot> onChange;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /**
     * Creates an allow-list that holds the kernel's {@link Capability} and {@link Address} for good.
     *
     * @param onChange called with every new snapshot, under the list's lock, in order
     */
    AllowList(Consumer<Snapshot> onChange) {
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        allow(Capability.class, Capability.class.getName());
    }

    /**
     * Returns the current snapshot.
     *
     * @return the allowed types now
     */
    Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Allows a record or enum, and the records and enums reachable from it.
     *
     * @param type the root type
     * @param wireName the name the root type has on the wire
     * @return closing it takes this registration off the list; closing twice does nothing
     * @throws IllegalArgumentException if the type is not a record or an enum, or a component has a
     *         type the codec cannot carry
     */
    AutoCloseable allow(Class<?> type, String wireName) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(wireName, "wireName");
        if (wireName.isEmpty() || wireName.startsWith(WireNames.BUILT_IN_PREFIX)) {
            throw new IllegalArgumentException("invalid wire name '" + wireName + "' for " + type.getName());
        }
        if (!type.isRecord() && !type.isEnum()) {
            throw new IllegalArgumentException("cannot allow " + type.getName() + ": only records and enums can be allowed");
        }
        Set<Class<?>> reachable = new LinkedHashSet<>();
        walk(type, type.getName(), type.getName(), reachable);
        List<Entry> registration = new ArrayList<>();
        for (Class<?> c : reachable) {
            registration.add(new Entry(c == type ? wireName : c.getName(), c));
        }
        synchronized (this) {
            registrations.add(registration);
            publish();
        }
        return () -> remove(registration);
    }

    private synchronized void remove(List<Entry> registration) {
        // by identity: two registrations of the same types are different entries
        if (registrations.removeIf(r -> r == registration)) {
            publish();
        }
    }

    private void publish() {
        Map<String, Class<?>> byName = new HashMap<>();
        Map<Class<?>, String> byType = new HashMap<>();
        for (List<Entry> registration : registrations) {
            for (Entry e : registration) {
                byName.put(e.name(), e.type());
                byType.put(e.type(), e.name());
            }
        }
        Snapshot s = new Snapshot(Map.copyOf(byName), Map.copyOf(byType));
        snapshot = s;
        onChange.accept(s);
    }

    /** Checks a declared type and collects the records and enums it reaches. */
    private static void walk(Type declared, String root, String where, Set<Class<?>> found) {
        if (declared instanceof Class<?> c) {
            walkClass(c, root, where, found);
        } else if (declared instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw && isCollection(raw)) {
            for (Type argument : p.getActualTypeArguments()) {
                walk(argument, root, where, found);
            }
        } else if (declared instanceof GenericArrayType a) {
            walk(a.getGenericComponentType(), root, where, found);
        } else if (declared instanceof WildcardType w && w.getLowerBounds().length == 0) {
            walk(w.getUpperBounds()[0], root, where, found);
        } else if (declared instanceof TypeVariable<?> v) {
            walk(v.getBounds()[0], root, where, found);
        } else {
            throw cannotCarry(root, where, declared.getTypeName());
        }
    }

    private static void walkClass(Class<?> c, String root, String where, Set<Class<?>> found) {
        if (c.isPrimitive() || c == Object.class || c == byte[].class || isCollection(c) || WireNames.isBuiltInScalar(c)) {
            return;
        }
        if (c.isArray()) {
            walkClass(c.getComponentType(), root, where, found);
        } else if (c.isEnum()) {
            found.add(c);
        } else if (c.isRecord()) {
            if (found.add(c)) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    walk(rc.getGenericType(), root, c.getName() + '.' + rc.getName(), found);
                }
            }
        } else {
            throw cannotCarry(root, where, c.getName());
        }
    }

    private static boolean isCollection(Class<?> c) {
        return c == List.class || c == Set.class || c == Map.class;
    }

    private static IllegalArgumentException cannotCarry(String root, String where, String typeName) {
        return new IllegalArgumentException("cannot allow " + root + ": " + (where.equals(root) ? "it" : "component " + where)
                + " has type " + typeName + ", which the codec cannot carry (it carries records, enums, String, boxed"
                + " primitives, byte[], arrays, List, Set, Map and Object holding any of these)");
    }
}
