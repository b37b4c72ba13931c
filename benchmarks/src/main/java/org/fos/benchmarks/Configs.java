package org.fos.benchmarks;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Component configurations outside OSGi: an instance of a DS configuration type (an
 * {@code @interface Config}) that answers each attribute from a map, else with the attribute's
 * default, as SCR does for a component.
 */
final class Configs {

    private Configs() {
    }

    /**
     * Creates a configuration.
     *
     * @param <A> the configuration type
     * @param type the configuration type
     * @param values attribute values by method name; missing attributes take their defaults
     * @return the configuration
     * @throws IllegalArgumentException if a value names no attribute of the type
     */
    static <A> A of(Class<A> type, Map<String, Object> values) {
        for (String key : values.keySet()) {
            try {
                type.getMethod(key);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException(type.getName() + " has no attribute " + key, e);
            }
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            return switch (method.getName()) {
                case "annotationType" -> type;
                case "toString" -> type.getSimpleName() + values;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> valueOf(method, values);
            };
        }));
    }

    private static Object valueOf(Method attribute, Map<String, Object> values) {
        Object v = values.get(attribute.getName());
        return v != null ? v : attribute.getDefaultValue();
    }
}
