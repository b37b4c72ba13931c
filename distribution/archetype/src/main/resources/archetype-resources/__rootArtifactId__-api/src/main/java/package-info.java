/**
 * The protocol of the {@code ${fleetName}} fleet. The package is exported with a version: a later
 * fleet version that keeps the protocol as it is resolves against the same package; a change that
 * breaks callers needs a new major version.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package ${package};
