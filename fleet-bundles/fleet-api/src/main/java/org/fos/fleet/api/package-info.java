/**
 * How to write a fleet for fos: annotate a Declarative Services component that implements a
 * protocol interface with {@link org.fos.fleet.api.Fleet}; implement
 * {@link org.fos.fleet.api.Stateful} if its state must survive a live upgrade. The fleet runtime
 * ({@link org.fos.fleet.api.FleetRuntime}) creates the members and owns their mailboxes and loops. A
 * fleet whose state must survive nodes, not only upgrades, is {@link org.fos.fleet.api.Replicated}: its
 * {@link org.fos.fleet.api.StateMachine}s are kept by Raft groups.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.11.0")
package org.fos.fleet.api;
