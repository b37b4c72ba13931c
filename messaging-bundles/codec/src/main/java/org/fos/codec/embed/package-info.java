/**
 * The payload codec outside OSGi (docs/embedding.md): the one a node's codec component runs, for
 * an {@code EmbeddedKernel} and its transports.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.fos.codec.embed;
