/**
 * A kernel outside OSGi (docs/embedding.md): what a plain JVM, a benchmark or a test starts to be a
 * node of its own, with the transports, codec and libfos of the other modules' {@code embed}
 * packages.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.kernel.embed;
