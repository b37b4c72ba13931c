package org.fos.naming.api;

import java.util.concurrent.CompletionStage;

import org.fos.kernel.api.NameEvent;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a watcher of the naming fleet serves: the changes of the names it watches, numbered.
 */
@ConsumerType
public interface NameWatcher {

    /**
     * Takes one change.
     *
     * @param number the change's number for this watcher: one more than the previous one
     * @param event the change, with all members of the name after it
     * @return completes when the change was taken
     */
    CompletionStage<Void> changed(long number, NameEvent event);
}
