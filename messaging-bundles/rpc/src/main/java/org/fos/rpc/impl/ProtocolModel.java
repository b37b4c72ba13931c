package org.fos.rpc.impl;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;

/**
 * A checked protocol interface: its methods by name, and the record and enum types its calls carry
 * (which go on the codec's allow-list). Built once a class ({@link #of(Class)}).
 */
final class ProtocolModel {
    private static final ClassValue<ProtocolModel> MODELS = new ClassValue<>() {
        @Override
        protected ProtocolModel computeValue(Class<?> type) {
            return new ProtocolModel(type);
        }
    };
    private static final Set<Class<?>> SCALARS = Set.of(String.class, Boolean.class, Integer.class, Long.class, Double.class,
            Float.class, Short.class, Byte.class, Character.class, byte[].class, Capability.class, Address.class,
            boolean.class, int.class, long.class, double.class, float.class, short.class, byte.class, char.class);

    final Class<?> type;
    private final Map<String, MethodModel> methods;
    /** Records and enums that calls of this protocol carry. */
    final Set<Class<?>> carried;
    private final Map<String, MethodModel> serverTwins;

    private ProtocolModel(Class<?> type) {
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface: a protocol is a Java interface");
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException("protocol " + type.getName() + " must be public");
        }
        this.type = type;
        Map<String, MethodModel> byName = new HashMap<>();
        Set<Class<?>> types = new LinkedHashSet<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
                continue;
            }
            if (byName.containsKey(m.getName())) {
                throw new IllegalArgumentException("protocol " + type.getName() + " has two methods named '" + m.getName()
                        + "': method names must be unique, since a request names its method");
            }
            for (int i = 0; i < m.getParameterCount(); i++) {
                check(m.getGenericParameterTypes()[i], types, where(m) + " parameter " + (i + 1));
            }
            MethodModel model = new MethodModel(m);
            if (!isVoid(model.valueType)) {
                check(model.valueType, types, where(m) + " return type");
            }
            byName.put(m.getName(), model);
        }
        this.methods = Map.copyOf(byName);
        this.carried = Collections.unmodifiableSet(types);
        Map<String, MethodModel> twins = new HashMap<>();
        for (MethodModel m : byName.values()) {
            MethodModel twin = byName.get(m.name + "Async");
            if (!m.async && twin != null && twin.async && java.util.Arrays.equals(twin.parameterTypes, m.parameterTypes)
                    && MethodModel.box(m.method.getReturnType()).getTypeName().equals(rawName(twin.valueType))) {
                twins.put(m.name, twin);
            }
        }
        this.serverTwins = Map.copyOf(twins);
    }

    private static String rawName(Type t) {
        return t instanceof ParameterizedType p ? p.getRawType().getTypeName() : t.getTypeName();
    }

    /**
     * The method the server runs for a request: a synchronous method {@code m} with an asynchronous
     * twin {@code mAsync} (same parameters, a stage of the same type) is served by the twin, so that
     * a server can answer a synchronous call after a nested call without blocking its loop.
     */
    MethodModel serverMethod(String name) {
        MethodModel twin = serverTwins.get(name);
        return twin != null ? twin : methods.get(name);
    }

    static ProtocolModel of(Class<?> protocol) {
        try {
            return MODELS.get(protocol);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static String where(Method m) {
        return m.getDeclaringClass().getName() + "." + m.getName();
    }

    MethodModel method(String name) {
        return methods.get(name);
    }

    MethodModel method(Method m) {
        MethodModel model = methods.get(m.getName());
        if (model == null || !model.method.equals(m)) {
            return null;
        }
        return model;
    }

    Set<String> methodNames() {
        return methods.keySet();
    }

    private static boolean isVoid(Type t) {
        return t == void.class || t == Void.class;
    }

    /** Checks that values of type t can cross the wire, collecting records and enums. */
    private static void check(Type t, Set<Class<?>> types, String where) {
        if (t instanceof Class<?> c) {
            if (SCALARS.contains(c)) {
                return;
            }
            if (c.isEnum()) {
                types.add(c);
                return;
            }
            if (c.isRecord()) {
                if (types.add(c)) {
                    for (RecordComponent rc : c.getRecordComponents()) {
                        check(rc.getGenericType(), types, where + " (record " + c.getSimpleName() + "." + rc.getName() + ")");
                    }
                }
                return;
            }
            if (c == List.class || c == Set.class || c == Map.class) {
                throw new IllegalArgumentException(where + " is a raw " + c.getSimpleName() + ": give its element type");
            }
            throw new IllegalArgumentException(where + " has type " + c.getName() + ", which cannot cross the wire: use"
                    + " records, enums, String, numbers, booleans, byte[], List, Set or Map of those");
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && (raw == List.class || raw == Set.class || raw == Map.class)) {
            for (Type a : p.getActualTypeArguments()) {
                check(a, types, where);
            }
            return;
        }
        if (t instanceof TypeVariable<?> || t instanceof WildcardType || t instanceof GenericArrayType) {
            throw new IllegalArgumentException(where + " has the generic type " + t.getTypeName() + ": protocols use concrete types");
        }
        throw new IllegalArgumentException(where + " has type " + t.getTypeName() + ", which cannot cross the wire");
    }
}
