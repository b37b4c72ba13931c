package org.fos.codec.impl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import com.fasterxml.jackson.databind.type.TypeFactory;

/**
 * The type names written before every value whose declared type is {@code Object}: built-in names
 * (starting with {@value #BUILT_IN_PREFIX}, which no class name can) for boxed primitives,
 * {@code byte[]}, lists, sets and maps, and the allow-list's wire names for records and enums.
 * A name maps only to a type of one {@link AllowList.Snapshot}: the bytes never make the codec load
 * a class. {@code String}, {@code Integer}, {@code Double} and {@code Boolean} are Jackson's
 * natural types and carry no name. Immutable and thread-safe.
 */
final class WireNames extends TypeIdResolverBase {

    /** How every built-in name starts. */
    static final String BUILT_IN_PREFIX = "#";

    private static final Map<String, Class<?>> SCALARS = Map.of(
            "#string", String.class, "#int", Integer.class, "#double", Double.class, "#boolean", Boolean.class,
            "#long", Long.class, "#short", Short.class, "#byte", Byte.class, "#float", Float.class,
            "#char", Character.class, "#bytes", byte[].class);
    private static final Map<Class<?>, String> SCALAR_NAMES = invert(SCALARS);
    private static final String LIST = "#list";
    private static final String SET = "#set";
    private static final String MAP = "#map";

    private final AllowList.Snapshot allowed;

    /**
     * Creates the names of one snapshot of the allow-list.
     *
     * @param allowed the allowed records and enums
     */
    WireNames(AllowList.Snapshot allowed) {
        super(TypeFactory.defaultInstance().constructType(Object.class), TypeFactory.defaultInstance());
        this.allowed = allowed;
    }

    /**
     * Tells whether a class is one of the built-in scalars: {@code String}, a boxed primitive or
     * {@code byte[]}.
     *
     * @param c the class
     * @return true if values of it are always allowed
     */
    static boolean isBuiltInScalar(Class<?> c) {
        return SCALAR_NAMES.containsKey(c);
    }

    @Override
    public String idFromValue(Object value) {
        return idFromValueAndType(value, value.getClass());
    }

    @Override
    public String idFromValueAndType(Object value, Class<?> suggestedType) {
        Class<?> type = value == null ? suggestedType : value.getClass();
        String name = SCALAR_NAMES.get(type);
        if (name != null) {
            return name;
        }
        if (List.class.isAssignableFrom(type)) {
            return LIST;
        }
        if (Set.class.isAssignableFrom(type)) {
            return SET;
        }
        if (Map.class.isAssignableFrom(type)) {
            return MAP;
        }
        if (Enum.class.isAssignableFrom(type) && !type.isEnum()) {
            type = type.getSuperclass(); // a constant with a body is a subclass of its enum
        }
        name = allowed.nameOf(type);
        if (name == null) {
            throw new IllegalArgumentException("type " + type.getName() + " is not allowed: a bundle must allow it"
                    + " (PayloadCodec.allow) before it is sent");
        }
        return name;
    }

    @Override
    public JavaType typeFromId(DatabindContext context, String id) {
        TypeFactory types = context.getTypeFactory();
        Class<?> type = id.startsWith(BUILT_IN_PREFIX) ? SCALARS.get(id) : allowed.typeOf(id);
        if (type != null) {
            return types.constructType(type);
        }
        return switch (id) {
            case LIST -> types.constructCollectionType(List.class, Object.class);
            case SET -> types.constructCollectionType(Set.class, Object.class);
            case MAP -> types.constructMapType(Map.class, Object.class, Object.class);
            default -> throw new IllegalArgumentException("type '" + abbreviate(id) + "' is not allowed");
        };
    }

    @Override
    public String getDescForKnownTypeIds() {
        return null;
    }

    @Override
    public JsonTypeInfo.Id getMechanism() {
        return JsonTypeInfo.Id.CUSTOM;
    }

    /** Keeps a hostile name from flooding a message or a log. */
    private static String abbreviate(String id) {
        return id.length() <= 200 ? id : id.substring(0, 200) + "...(" + id.length() + " characters)";
    }

    private static Map<Class<?>, String> invert(Map<String, Class<?>> byName) {
        Map<Class<?>, String> byType = new HashMap<>();
        byName.forEach((name, type) -> byType.put(type, name));
        return Map.copyOf(byType);
    }
}
