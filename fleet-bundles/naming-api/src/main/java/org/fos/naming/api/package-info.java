/**
 * The protocol of the naming fleet ({@code /sys/names}), which keeps the names of the cluster, and
 * of the watchers it tells about changes. The kernel's name cache is its client, through the
 * naming bundle's {@code NameStore}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.fos.naming.api;
