package org.fos.kernel.spi;

import java.util.Objects;
import java.util.Set;

import org.fos.kernel.api.Right;

/**
 * What a client's ticket allows the messages it sends: the server rights they may use
 * ({@link Right#CALL}, {@link Right#PEER}, {@link Right#ADMIN}; {@link Right#SEND} is always left) and
 * the names whose members they may call. A transport that authenticated a client hands these to the
 * kernel with each message of it ({@link Links#deliver(String, long, long, org.fos.kernel.api.Message, ClientLimits)});
 * the kernel narrows the message's capability to them before it delivers, so the server that
 * receives it sees only what the ticket allows. Immutable.
 *
 * @param rights a mask of the server rights the client may use; other bits are ignored
 * @param names the names whose members the client may call (with any server right); empty for every name
 */
public record ClientLimits(int rights, Set<String> names) {

    /** No limit on rights or names. */
    public static final ClientLimits NONE = new ClientLimits(Right.SERVER_BITS, Set.of());

    /**
     * Checks and copies the parts.
     *
     * @param rights the server rights
     * @param names the names
     */
    public ClientLimits {
        rights &= Right.SERVER_BITS;
        names = Set.copyOf(Objects.requireNonNull(names, "names"));
    }
}
