package org.fos.rpc.impl;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.fos.kernel.api.Capability;
import org.fos.rpc.api.CallOptions;

/** Turns calls on a protocol proxy into libfos calls to a name or to one member. */
final class ProxyHandler implements InvocationHandler {
    final LibfosImpl libfos;
    final ProtocolModel protocol;
    final String name;
    final Capability member;
    final CallOptions options;

    ProxyHandler(LibfosImpl libfos, ProtocolModel protocol, String name, Capability member, CallOptions options) {
        this.libfos = libfos;
        this.protocol = protocol;
        this.name = name;
        this.member = member;
        this.options = options;
    }

    String target() {
        return member != null ? member.address().toString() : name;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "toString" -> "libfos proxy " + protocol.type.getSimpleName() + " -> " + target();
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.getName());
            };
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        MethodModel m = protocol.method(method);
        if (m == null) {
            throw new IllegalArgumentException(method + " is not a method of protocol " + protocol.type.getName());
        }
        List<Object> arguments = args == null ? List.of() : Collections.unmodifiableList(Arrays.asList(args.clone()));
        return libfos.invoke(this, m, arguments);
    }
}
