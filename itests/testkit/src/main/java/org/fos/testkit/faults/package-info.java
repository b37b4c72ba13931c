/**
 * Network faults between processes on one machine, without root: a mesh of black-holing TCP
 * proxies on loopback addresses and a hosts file per process ({@link org.fos.testkit.faults.FaultyNetwork}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.testkit.faults;
