/**
 * Cluster membership: which nodes are up, and what each node publishes for the others (its
 * transport endpoints). A single node is a cluster of one; several nodes follow ZooKeeper.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.fos.cluster.api;
