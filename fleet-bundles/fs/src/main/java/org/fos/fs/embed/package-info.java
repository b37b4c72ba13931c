/**
 * The file-system fleet's members outside OSGi (docs/embedding.md): members a plain JVM serves on
 * an {@code EmbeddedKernel}, as a node's fleet runtime serves them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.fs.embed;
