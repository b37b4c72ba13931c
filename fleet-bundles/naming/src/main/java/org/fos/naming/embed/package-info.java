/**
 * The naming fleet's client outside OSGi (docs/embedding.md): an {@code EmbeddedKernel} keeps its
 * names in a node's naming fleet.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.naming.embed;
