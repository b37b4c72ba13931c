/**
 * The protocol of the key-value fleet ({@code /sys/kv}): keys are strings, values are bytes, every
 * write gives the key a new revision, and keys are partitioned over replicated Raft groups.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.fos.kv.api;
