package org.fos.kernel.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Follows the members of a name; see {@link Names#subscribe}.
 */
@ConsumerType
@FunctionalInterface
public interface NameListener {

    /**
     * Takes one change. Called on a kernel thread, in order, never concurrently for one
     * subscription; must not block.
     *
     * @param event the change
     */
    void onChange(NameEvent event);
}
