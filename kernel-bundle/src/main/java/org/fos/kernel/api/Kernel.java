package org.fos.kernel.api;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The microkernel of a node, as one bundle sees it.
 *
 * <p>Each bundle that gets this service gets its own instance (the service has bundle scope): the
 * kernel knows which bundle created which mailbox and name, and releases them when that bundle
 * stops, unless their ownership was handed over ({@link #transfer}). All methods are thread-safe.
 *
 * <p>Every operation on a mailbox presents a {@link Capability}. The rights table and the errors of
 * every operation are in {@code docs/kernel.md}; in short: sending needs {@link Right#SEND},
 * receiving, closing and handing over need {@link Right#RECEIVE}, narrowing, revoking and
 * publishing under a name need {@link Right#GRANT}. A rejected capability is counted (see
 * {@link #stats()}) and answered with {@link Status#FORGED}, {@link Status#REVOKED} or
 * {@link Status#NO_RIGHT}.
 */
@ProviderType
public interface Kernel {

    /**
     * Returns this node's id, stable for the life of the node.
     *
     * @return the node id
     */
    String nodeId();

    /**
     * Creates a mailbox owned by the calling bundle.
     *
     * @param label a short description shown by the shell, for example the name it serves; not null
     * @param capacity how many messages it holds at most, from 1 to the kernel's
     *        {@code maxMailboxCapacity}; rounded up to a power of two
     * @return the receiving handle, whose capability has every right
     * @throws IllegalArgumentException if the capacity is out of range or the label is longer than
     *         100 characters
     */
    Mailbox createMailbox(String label, int capacity);

    /**
     * Creates a mailbox owned by the calling bundle whose messages {@code direct} sees first, on the
     * thread that delivers each (see {@link DirectDelivery}): a message it takes is counted as sent and
     * received and never queued; one it declines, or on which it throws, is queued as in a mailbox of
     * {@link #createMailbox(String, int)}. Capabilities, rights and closing are as for any mailbox:
     * nothing reaches {@code direct} once the mailbox is closed.
     *
     * @param label a short description shown by the shell; not null
     * @param capacity how many declined messages it holds at most, as for {@link #createMailbox(String, int)}
     * @param direct what takes messages as they are delivered; not null
     * @return the receiving handle, whose capability has every right
     * @throws IllegalArgumentException if the capacity is out of range or the label is longer than
     *         100 characters
     * @throws NullPointerException if {@code direct} is null
     * @since 1.6
     */
    Mailbox createMailbox(String label, int capacity, DirectDelivery direct);

    /**
     * Opens a receiving handle for an existing mailbox on this node.
     *
     * @param capability a capability with {@link Right#RECEIVE}
     * @return the handle, bound to {@code capability}
     * @throws KernelException {@link Status#FORGED}, {@link Status#REVOKED}, {@link Status#NO_RIGHT},
     *         {@link Status#CLOSED}, or {@link Status#NO_ROUTE} if the mailbox is on another node
     */
    Mailbox open(Capability capability);

    /**
     * Sends a message without waiting: the message goes straight into the mailbox if it is on this
     * node, or to the transport that reaches its node.
     *
     * @param message the message; its {@code to} capability needs {@link Right#SEND}
     * @return {@link Status#OK} if the mailbox or transport took it; otherwise why not:
     *         {@link Status#FULL}, {@link Status#CLOSED}, {@link Status#FORGED}, {@link Status#REVOKED},
     *         {@link Status#NO_RIGHT}, {@link Status#NO_ROUTE} or {@link Status#CODEC_ERROR}
     */
    Status send(Message message);

    /**
     * Sends a message, waiting up to a timeout while the mailbox is full.
     *
     * @param message the message; its {@code to} capability needs {@link Right#SEND}
     * @param timeout how long to wait for room at most
     * @param unit the unit of {@code timeout}
     * @return as {@link #send(Message)}, with {@link Status#TIMEOUT} instead of {@link Status#FULL},
     *         and {@link Status#INTERRUPTED} if the thread was interrupted while waiting
     */
    Status send(Message message, long timeout, TimeUnit unit);

    /**
     * Derives a capability with fewer rights. The new capability is revoked whenever its parent is.
     *
     * @param capability a valid capability with {@link Right#GRANT}
     * @param rights the rights of the new capability, a subset of the rights of {@code capability}
     * @return the new capability
     * @throws KernelException {@link Status#WIDENING} if {@code rights} holds a right that
     *         {@code capability} lacks; {@link Status#FORGED}, {@link Status#REVOKED},
     *         {@link Status#NO_RIGHT}, {@link Status#CLOSED} or {@link Status#NO_ROUTE} as for
     *         {@link #open}
     * @throws IllegalArgumentException if {@code rights} is empty
     */
    Capability narrow(Capability capability, Set<Right> rights);

    /**
     * Revokes a capability and every capability derived from it.
     *
     * @param authority a valid capability with {@link Right#GRANT} that is {@code target} or one of
     *        its ancestors
     * @param target the capability to revoke
     * @throws KernelException {@link Status#NO_RIGHT} if {@code authority} lacks {@link Right#GRANT}
     *         or is not {@code target} or an ancestor of it; {@link Status#FORGED},
     *         {@link Status#REVOKED}, {@link Status#CLOSED} or {@link Status#NO_ROUTE} for either
     *         capability
     */
    void revoke(Capability authority, Capability target);

    /**
     * Checks a capability without using it.
     *
     * @param capability the capability
     * @return {@link Status#OK} if it is valid; otherwise {@link Status#FORGED},
     *         {@link Status#REVOKED}, {@link Status#CLOSED} or {@link Status#NO_ROUTE}. Checking is
     *         not counted as a rejection.
     */
    Status check(Capability capability);

    /**
     * Hands the ownership of a mailbox to another bundle: it is then released when that bundle
     * stops, no longer when the current owner stops. Bundle id 0 (the system bundle) hands it to the
     * kernel itself: it lives until it is closed. This is how a fleet runtime keeps a member's
     * mailbox across an upgrade of the member's bundle.
     *
     * @param capability a capability with {@link Right#RECEIVE} for a mailbox on this node
     * @param bundleId the id of an installed bundle
     * @throws KernelException as for {@link #open}
     * @throws IllegalArgumentException if no bundle has that id
     */
    void transfer(Capability capability, long bundleId);

    /**
     * Returns the name service of this node.
     *
     * @return the names, as seen by the calling bundle (registrations are owned by it)
     */
    Names names();

    /**
     * Returns a snapshot of the mailboxes on this node.
     *
     * @return one entry a live mailbox, ordered by mailbox number
     */
    List<MailboxInfo> mailboxes();

    /**
     * Returns this node's links to other nodes.
     *
     * @return one entry a node this node has exchanged messages with
     */
    List<LinkInfo> links();

    /**
     * Tells whether this node reaches another node now: some transport has a connection to it, or had
     * one less than the kernel's {@code unreachableAfterMillis} ago. Resolutions leave out the members
     * of a node that is out of reach (unless no other member is left), and libfos gives up calls
     * waiting for them, even while the membership still lists the node.
     *
     * @param nodeId a node id
     * @return true for this node, and for a node a transport reaches or reached lately
     */
    boolean reachable(String nodeId);

    /**
     * Returns this node's counters.
     *
     * @return a snapshot
     */
    KernelStats stats();

    /**
     * Counts a refusal that a server made of a message it took from one of its mailboxes, such as a
     * call whose capability lacks the right its method needs ({@link Status#NO_RIGHT}): it shows in
     * {@link #stats()} and in the mailbox's count of capability refusals, as the kernel's own do.
     *
     * @param message the refused message
     * @param status why it was refused; not {@link Status#OK}
     * @throws IllegalArgumentException if the status is OK
     */
    void refused(Message message, Status status);
}
