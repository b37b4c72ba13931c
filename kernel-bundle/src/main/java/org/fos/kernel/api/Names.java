package org.fos.kernel.api;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The name space of the cluster as this node sees it.
 *
 * <p>A name is a path such as {@code /sys/fs}. Several members may register under one name: they
 * form a fleet, and resolving the name picks one of them by a {@link Selection}. Resolution goes
 * through the kernel's name cache, which follows the name store by subscription: a change is applied
 * to the cache before the call that made it returns on this node, and as soon as the change is
 * delivered on other nodes, so the cache is invalidated on change rather than found stale on use.
 * All methods are thread-safe.
 */
@ProviderType
public interface Names {

    /** The longest name accepted, in characters. */
    int MAX_NAME_LENGTH = 200;

    /**
     * The member property that scopes a fleet: with the value {@value #SCOPE_NODE}, the fleet's
     * members on one node are a fleet of their own (they serve something of that node, such as a
     * device or the file system on it). Resolving such a name picks among the members of this node;
     * when it has none, among those of the kernel's home node (the node a plain-JVM client connected
     * to); otherwise among those of the first node in id order. Every member shows in
     * {@link #find(String)} either way.
     */
    String SCOPE_PROPERTY = "fos.scope";

    /** The value of {@link #SCOPE_PROPERTY} for a fleet per node. */
    String SCOPE_NODE = "node";

    /**
     * The member property of a member that is leaving its fleet (value {@code true}): resolutions
     * no longer pick it while other members serve, but it stays among the {@link #cached(String)}
     * members, so calls already sent to it are still awaited, not taken for lost, until it has
     * answered them and its entry goes. A fleet that shrinks re-registers the member with it first.
     */
    String DRAINING_PROPERTY = "fos.draining";

    /**
     * Publishes a mailbox under a name. The name service keeps two capabilities derived from
     * {@code capability}, one with send and call and the member capability with peer and admin
     * besides ({@link NameEntry#member()}); revoking {@code capability} therefore also disables them. The
     * registration belongs to the calling bundle and ends when it stops, when it is closed, or when
     * the mailbox is closed.
     *
     * @param name a valid name, see {@link #isValidName(String)}
     * @param capability a valid capability with {@link Right#SEND} and {@link Right#GRANT}
     * @param properties free-form properties shown with the entry (for example a version), not null
     * @return the registration
     * @throws IllegalArgumentException if the name is not valid
     * @throws KernelException {@link Status#NO_RIGHT} if {@code capability} lacks
     *         {@link Right#SEND} or {@link Right#GRANT}; {@link Status#FORGED}, {@link Status#REVOKED}
     *         or {@link Status#CLOSED} if it is not valid
     */
    Registration register(String name, Capability capability, Map<String, String> properties);

    /**
     * Returns the members registered under a name now.
     *
     * @param name a valid name
     * @return a snapshot, ordered by registration, empty if none
     * @throws IllegalArgumentException if the name is not valid
     */
    List<NameEntry> find(String name);

    /**
     * Returns every entry whose name is {@code prefix} or lies below it.
     *
     * @param prefix {@code /} for all names, or a valid name
     * @return a snapshot, ordered by name and then by registration
     * @throws IllegalArgumentException if the prefix is neither {@code /} nor a valid name
     */
    List<NameEntry> list(String prefix);

    /**
     * Follows the members of a name. The listener's first call is the acknowledgement: a
     * {@link NameEvent.Kind#SNAPSHOT} with the current members. Then it is called once for every
     * change, in order, on a kernel thread; it must not block.
     *
     * @param name a valid name
     * @param listener takes the events
     * @return the subscription; closing it stops the events
     * @throws IllegalArgumentException if the name is not valid
     */
    Subscription subscribe(String name, NameListener listener);

    /**
     * Picks one member of a name, through the name cache.
     *
     * @param name a valid name
     * @param selection how to pick; {@link Selection#KEY_AFFINITY} needs
     *        {@link #resolve(String, Selection, Object)}
     * @return a capability for the member's mailbox: the entry's member capability where this node
     *         has it (a node of the cluster), else the one names hand out (send and call)
     * @throws KernelException {@link Status#NO_SUCH_NAME} if no member is registered
     * @throws IllegalArgumentException if the name is not valid or the selection needs a key
     */
    Capability resolve(String name, Selection selection);

    /**
     * Picks one member of a name for a key: with {@link Selection#KEY_AFFINITY} every node picks the
     * same member for the same key while the members do not change (consistent hashing), and a change
     * of members moves only the keys of the members that came or went.
     *
     * @param name a valid name
     * @param selection how to pick
     * @param key the key ({@code String}, {@code byte[]}, or any value by its {@code toString()}); not
     *        null for {@link Selection#KEY_AFFINITY}, ignored otherwise
     * @return a capability for the member's mailbox: the entry's member capability where this node
     *         has it (a node of the cluster), else the one names hand out (send and call)
     * @throws KernelException {@link Status#NO_SUCH_NAME} if no member is registered
     * @throws IllegalArgumentException if the name is not valid or the key is missing
     */
    Capability resolve(String name, Selection selection, Object key);

    /**
     * Picks the members that hold a key's replicas: walking the consistent-hash ring of
     * {@link Selection#KEY_AFFINITY} from the key, the first member (the one
     * {@link #resolve(String, Selection, Object)} picks) and then the next members that are on nodes
     * not picked yet. Every node that sees the same members picks the same replicas.
     *
     * @param name a valid name
     * @param key the key
     * @param count how many replicas, at least 1
     * @return up to {@code count} capabilities (as {@link #resolve} gives them) on distinct nodes, the owner first; fewer if
     *         the members span fewer nodes
     * @throws KernelException {@link Status#NO_SUCH_NAME} if no member is registered
     * @throws IllegalArgumentException if the name is not valid, the key is null or the count below 1
     */
    List<Capability> replicas(String name, Object key, int count);

    /**
     * Returns the members of a name as the name cache has them (following the name from now on if it
     * did not yet): cheaper than {@link #find(String)}, which asks the name store. For a node-scoped
     * fleet ({@link #SCOPE_PROPERTY}) these are the members resolutions pick from: one node's. Members
     * that are leaving ({@link #DRAINING_PROPERTY}) are among them, though resolutions skip them.
     *
     * @param name a valid name
     * @return the members, ordered by registration
     * @throws IllegalArgumentException if the name is not valid
     */
    List<NameEntry> cached(String name);

    /**
     * Tells whether a text is a valid name: a {@code /} followed by segments of letters, digits,
     * '.', '_' and '-', separated by {@code /}, at most {@link #MAX_NAME_LENGTH} characters, for
     * example {@code /sys/fs}.
     *
     * @param name the text, may be null
     * @return true if it is a valid name
     */
    static boolean isValidName(String name) {
        return name != null && name.length() <= MAX_NAME_LENGTH && NameRules.NAME.matcher(name).matches();
    }

    /**
     * Returns the name if it is valid.
     *
     * @param name the name to check
     * @return {@code name}
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static String requireValidName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name is missing");
        }
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid name '" + name + "': a name is a path like /sys/fs of segments"
                    + " made of letters, digits, '.', '_' or '-', at most " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }
}

/** Holds the compiled pattern for {@link Names}. */
final class NameRules {
    static final Pattern NAME = Pattern.compile("(/[A-Za-z0-9._-]+)+");

    private NameRules() {
    }
}
