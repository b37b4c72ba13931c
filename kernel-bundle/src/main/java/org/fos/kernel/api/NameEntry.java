package org.fos.kernel.api;

import java.util.Map;
import java.util.Objects;

/**
 * One member registered under a name.
 *
 * @param name the name
 * @param capability the send-only capability that resolving the name hands out
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
}
