package org.fos.kernel.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A member's registration under a name; see {@link Names#register}. Thread-safe.
 */
@ProviderType
public interface Registration extends AutoCloseable {

    /**
     * Returns the entry as published.
     *
     * @return the entry
     */
    NameEntry entry();

    /**
     * Hands this registration to another bundle: it then ends when that bundle stops. Bundle id 0
     * hands it to the kernel itself.
     *
     * @param bundleId the id of an installed bundle
     * @throws IllegalArgumentException if no bundle has that id
     */
    void transfer(long bundleId);

    /**
     * Tells whether the registration still stands.
     *
     * @return false once it was closed, its owner stopped or its mailbox closed
     */
    boolean isActive();

    /**
     * Removes the member from the name. Closing twice does nothing.
     */
    @Override
    void close();
}
