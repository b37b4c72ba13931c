package org.fos.fs.client;

import org.fos.fs.api.FileSystemFleet;

/**
 * How the provider reaches a file-system fleet: inside a node through libfos; the plain-JVM client
 * of the cluster issue will connect through a node's transport instead. The provider depends on
 * nothing else of OSGi or of the node.
 */
@FunctionalInterface
public interface FleetConnector {

    /**
     * Returns a proxy of the fleet registered under a name.
     *
     * @param fleet the fleet's name, such as {@code /sys/fs}
     * @return the proxy; calls resolve the members as they are made
     */
    FileSystemFleet connect(String fleet);
}
