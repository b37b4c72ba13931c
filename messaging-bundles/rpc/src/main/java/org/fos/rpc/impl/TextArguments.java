package org.fos.rpc.impl;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the text arguments of a shell call as the method's parameter types. */
final class TextArguments {
    private TextArguments() {
    }

    static Object[] parse(MethodModel method, List<String> texts) {
        Class<?>[] types = method.parameterTypes;
        if (texts.size() != types.length) {
            StringBuilder sig = new StringBuilder();
            for (int i = 0; i < types.length; i++) {
                sig.append(i == 0 ? "" : ", ").append(types[i].getSimpleName()).append(' ')
                        .append(method.method.getParameters()[i].getName());
            }
            throw new IllegalArgumentException(method.name + " takes " + types.length + " argument" + (types.length == 1 ? "" : "s")
                    + " (" + sig + "), got " + texts.size());
        }
        Object[] values = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            values[i] = parse(method, i, types[i], texts.get(i));
        }
        return values;
    }

    private static Object parse(MethodModel method, int index, Class<?> type, String text) {
        Class<?> t = MethodModel.box(type);
        try {
            if (t == String.class) {
                return text;
            }
            if (t == byte[].class) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            if (t == Integer.class) {
                return Integer.valueOf(text);
            }
            if (t == Long.class) {
                return Long.valueOf(text);
            }
            if (t == Short.class) {
                return Short.valueOf(text);
            }
            if (t == Byte.class) {
                return Byte.valueOf(text);
            }
            if (t == Double.class) {
                return Double.valueOf(text);
            }
            if (t == Float.class) {
                return Float.valueOf(text);
            }
            if (t == Boolean.class) {
                if (!text.equals("true") && !text.equals("false")) {
                    throw new IllegalArgumentException("not true or false");
                }
                return Boolean.valueOf(text);
            }
            if (t == Character.class) {
                if (text.length() != 1) {
                    throw new IllegalArgumentException("not a single character");
                }
                return text.charAt(0);
            }
            if (t.isEnum()) {
                for (Object constant : t.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equalsIgnoreCase(text)) {
                        return constant;
                    }
                }
                throw new IllegalArgumentException("not one of " + List.of(t.getEnumConstants()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("argument " + (index + 1) + " of " + method.name + " ('" + text
                    + "') is not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("argument " + (index + 1) + " of " + method.name + " is a " + type.getSimpleName()
                + ", which cannot be typed in the shell: it takes text, numbers, booleans, enum names and byte[] (as text)");
    }
}
