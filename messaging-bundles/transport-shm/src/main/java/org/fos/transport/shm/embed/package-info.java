/**
 * The shared-memory transport outside OSGi (docs/embedding.md): links from an
 * {@code EmbeddedKernel} to nodes on the same host.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.transport.shm.embed;
