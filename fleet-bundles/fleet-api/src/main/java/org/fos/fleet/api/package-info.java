/**
 * How to write a fleet for fos: annotate a Declarative Services component that implements a
 * protocol interface with {@link org.fos.fleet.api.Fleet}; implement
 * {@link org.fos.fleet.api.Stateful} if its state must survive a live upgrade. The fleet runtime
 * ({@link org.fos.fleet.api.FleetRuntime}) creates the members and owns their mailboxes and loops.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.fos.fleet.api;
