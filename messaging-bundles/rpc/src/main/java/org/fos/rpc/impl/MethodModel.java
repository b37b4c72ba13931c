package org.fos.rpc.impl;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.CompletionStage;

import org.fos.kernel.api.Right;
import org.fos.rpc.api.Deduplicated;
import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Key;
import org.fos.rpc.api.Needs;

/** One method of a protocol: how to call it, which parameter is the key, whether it is asynchronous. */
final class MethodModel {
    final Method method;
    final String name;
    final Class<?>[] parameterTypes;
    final int keyIndex;
    final boolean async;
    final boolean idempotent;
    /**
     * Whether libfos may send the call again to another member when the first is gone: an
     * {@code @Idempotent} method, or one its fleet deduplicates by request id ({@code @Deduplicated}).
     */
    final boolean retryable;
    /** The type of the value the method gives: its return type, or T of CompletionStage&lt;T&gt;. */
    final Type valueType;
    /** (Object target, Object[] args) -> Object, for the server side. */
    final MethodHandle invoker;
    /** The right a call's capability must hold: the method's {@code @Needs}, else its interface's, else CALL. */
    final Right needs;

    MethodModel(Method method) {
        this.method = method;
        this.name = method.getName();
        this.parameterTypes = method.getParameterTypes();
        int key = -1;
        Parameter[] parameters = method.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].isAnnotationPresent(Key.class)) {
                if (key >= 0) {
                    throw new IllegalArgumentException(ProtocolModel.where(method) + " has more than one @Key parameter");
                }
                key = i;
            }
        }
        this.keyIndex = key;
        this.async = CompletionStage.class.equals(method.getReturnType());
        this.idempotent = method.isAnnotationPresent(Idempotent.class);
        Needs needed = method.getAnnotation(Needs.class);
        if (needed == null) {
            needed = method.getDeclaringClass().getAnnotation(Needs.class);
        }
        this.needs = needed == null ? Right.CALL : needed.value();
        if (!Right.of(Right.SERVER_BITS).contains(needs)) {
            throw new IllegalArgumentException(ProtocolModel.where(method) + " needs " + needs + ": @Needs takes CALL, PEER or ADMIN,"
                    + " the rights a server checks");
        }
        this.retryable = idempotent || method.isAnnotationPresent(Deduplicated.class)
                || method.getDeclaringClass().isAnnotationPresent(Deduplicated.class);
        if (async) {
            Type r = method.getGenericReturnType();
            if (!(r instanceof ParameterizedType p)) {
                throw new IllegalArgumentException(ProtocolModel.where(method) + " returns a raw CompletionStage: say what it completes with");
            }
            this.valueType = p.getActualTypeArguments()[0];
        } else {
            this.valueType = method.getGenericReturnType();
        }
        try {
            MethodHandle h = MethodHandles.publicLookup().unreflect(method);
            this.invoker = h.asSpreader(Object[].class, parameterTypes.length)
                    .asType(MethodType.methodType(Object.class, Object.class, Object[].class));
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(ProtocolModel.where(method) + " is not accessible: the protocol interface must be public", e);
        }
    }

    /** Whether a value may be passed for parameter i (null only for reference types). */
    boolean accepts(int i, Object value) {
        Class<?> t = parameterTypes[i];
        if (value == null) {
            return !t.isPrimitive();
        }
        return box(t).isInstance(value);
    }

    static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        return switch (t.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "boolean" -> Boolean.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "char" -> Character.class;
            default -> Void.class;
        };
    }

    @Override
    public String toString() {
        return method.getDeclaringClass().getSimpleName() + "." + name;
    }
}
