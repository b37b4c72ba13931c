package org.fos.rpc.api;

import java.util.List;

import org.fos.kernel.api.Capability;
import org.osgi.annotation.versioning.ProviderType;

/**
 * libfos: calls fleets by name through typed proxies, and serves protocols on the server side.
 *
 * <p>A <em>protocol</em> is a Java interface: its methods take and return records of an API
 * package, strings, numbers, booleans, enums, {@code byte[]}, lists, sets and maps of those, and
 * may return a {@code CompletionStage} of such a value for an asynchronous call. Method names must
 * be unique within a protocol. A parameter marked {@link Key} picks the member by key affinity.
 *
 * <p>Each bundle gets its own instance (bundle scope); what it creates (its reply mailboxes) is
 * released when it stops. Thread-safe.
 */
@ProviderType
public interface Libfos {

    /**
     * Returns a proxy that calls the fleet registered under {@code name}, with the default options.
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param name the fleet's name, for example {@code /sys/kv}
     * @return the proxy; each call resolves a member through the name cache
     * @throws IllegalArgumentException if {@code protocol} is not a valid protocol (the message
     *         names the method and type at fault) or the name is not valid
     */
    <T> T proxy(Class<T> protocol, String name);

    /**
     * Returns a proxy that calls the fleet registered under {@code name}.
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param name the fleet's name
     * @param options the timeout and member selection for calls through this proxy
     * @return the proxy
     * @throws IllegalArgumentException as {@link #proxy(Class, String)}
     */
    <T> T proxy(Class<T> protocol, String name, CallOptions options);

    /**
     * Returns one proxy for each member registered under {@code name} now, in registration order,
     * each bound to that member: for calls that must reach every member (a fan-out).
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param name the fleet's name
     * @param options the timeout of calls through these proxies
     * @return the proxies; empty if no member is registered
     * @throws IllegalArgumentException as {@link #proxy(Class, String)}
     */
    <T> List<T> members(Class<T> protocol, String name, CallOptions options);

    /**
     * Returns a proxy bound to one member, named by a send capability for its mailbox.
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param member a capability with the SEND right for the member's mailbox
     * @param options the timeout of calls through this proxy
     * @return the proxy
     * @throws IllegalArgumentException if {@code protocol} is not a valid protocol
     */
    <T> T proxy(Class<T> protocol, Capability member, CallOptions options);

    /**
     * Creates the server side of a protocol: a dispatcher that turns request messages into calls on
     * {@code implementation} and sends the replies.
     *
     * @param <T> the protocol type
     * @param protocol the protocol interface
     * @param implementation the object that implements it
     * @return the dispatcher
     * @throws IllegalArgumentException if {@code protocol} is not a valid protocol or the object
     *         does not implement it
     */
    <T> Dispatcher dispatcher(Class<T> protocol, T implementation);

    /**
     * Calls a method given as text, as a shell does: the arguments are parsed from text according to
     * the method's parameter types (strings as they are, numbers, booleans, enum constants by name,
     * {@code byte[]} as UTF-8 text).
     *
     * @param protocol the protocol interface
     * @param name the fleet's name
     * @param method the method's name
     * @param arguments one text a parameter
     * @param options the timeout and member selection
     * @return what the method returned (for an asynchronous method, the value it completed with)
     * @throws IllegalArgumentException if the method does not exist, the number of arguments is
     *         wrong, or an argument cannot be read as its parameter's type; the message says which
     * @throws FleetException if the call fails, as for a proxy call
     */
    Object call(Class<?> protocol, String name, String method, List<String> arguments, CallOptions options);
}
