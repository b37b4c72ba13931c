package org.fos.kernel.api;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * One member registered under a name.
 *
 * <p>An entry carries two capabilities of the member's mailbox, both derived when it was registered:
 * {@link #capability()}, with {@link Right#SEND} and {@link Right#CALL}, which any holder of the name
 * may use, and the <em>member capability</em> ({@link #member()}), which adds {@link Right#PEER} and
 * {@link Right#ADMIN} and which only the cluster's nodes receive: it travels in the property
 * {@value #MEMBER}, sealed in ZooKeeper, and the naming fleet leaves it out of what it answers a
 * caller that holds neither right.
 *
 * @param name the name
 * @param capability the capability that resolving the name hands out: send and call
 * @param registrationId a number unique to this registration in the name store
 * @param properties the properties given at registration, unmodifiable
 */
public record NameEntry(String name, Capability capability, long registrationId, Map<String, String> properties) {

    /**
     * Checks and copies the parts.
     *
     * @param name the name
     * @param capability the capability
     * @param registrationId the registration number
     * @param properties the properties
     */
    public NameEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(capability, "capability");
        properties = Map.copyOf(properties);
    }

    /**
     * Returns the address of the member's mailbox.
     *
     * @return the address
     */
    public Address address() {
        return capability.address();
    }

    /**
     * Returns a readable form that, like {@link Capability#toString()}, reveals no token: the member
     * capability shows as a capability, not as its property.
     *
     * @return the readable form
     */
    @Override
    public String toString() {
        Map<String, String> shown = new java.util.TreeMap<>(properties);
        Capability member = member();
        if (shown.remove(MEMBER) != null) {
            shown.put("member", member == null ? "(malformed)" : member.toString());
        }
        return "NameEntry[name=" + name + ", capability=" + capability + ", registrationId=" + registrationId + ", properties=" + shown
                + ']';
    }

    /** The property that carries the member capability: {@code <rights mask>:<32 hexadecimal digits of the token>}. */
    public static final String MEMBER = "fos.capability.member";

    /**
     * Returns the member capability: the one with the peer and admin rights, if this entry carries it.
     *
     * @return the capability, or null if the entry has none (or a malformed one)
     */
    public Capability member() {
        String v = properties.get(MEMBER);
        if (v == null) {
            return null;
        }
        int colon = v.indexOf(':');
        if (colon <= 0 || v.length() - colon - 1 != 32) {
            return null;
        }
        try {
            int rights = Integer.parseInt(v.substring(0, colon));
            String token = v.substring(colon + 1);
            return new Capability(address(), rights, HexFormat.fromHexDigitsToLong(token, 0, 16),
                    HexFormat.fromHexDigitsToLong(token, 16, 32));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Writes a member capability as the value of {@value #MEMBER}.
     *
     * @param member the capability
     * @return the property's value
     */
    public static String memberProperty(Capability member) {
        return member.rights() + ":" + HexFormat.of().toHexDigits(member.tokenHigh()) + HexFormat.of().toHexDigits(member.tokenLow());
    }

    /**
     * Returns this entry with a member capability, or without one.
     *
     * @param member the member capability, or null to leave it out
     * @return a new entry
     */
    public NameEntry withMember(Capability member) {
        Map<String, String> p = new HashMap<>(properties);
        if (member == null) {
            p.remove(MEMBER);
        } else {
            p.put(MEMBER, memberProperty(member));
        }
        return new NameEntry(name, capability, registrationId, p);
    }
}
