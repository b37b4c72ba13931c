/**
 * What the fleet runtime needs from the node's replication service (the bundle that runs Apache
 * Ratis), to run {@link org.fos.fleet.api.Replicated} fleets.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.fos.fleet.spi;
