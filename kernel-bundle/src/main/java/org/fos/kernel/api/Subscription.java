package org.fos.kernel.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A subscription to the changes of a name; see {@link Names#subscribe}. Thread-safe.
 */
@ProviderType
public interface Subscription extends AutoCloseable {

    /**
     * Stops the events. Closing twice does nothing.
     */
    @Override
    void close();
}
