/**
 * The TCP transport outside OSGi (docs/embedding.md): links from an {@code EmbeddedKernel} to other
 * nodes, and the client tickets a plain JVM joins a node with.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.transport.tcp.embed;
