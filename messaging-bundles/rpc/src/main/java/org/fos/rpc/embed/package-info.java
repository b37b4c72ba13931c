/**
 * libfos outside OSGi (docs/embedding.md): typed fleet proxies and dispatchers over an
 * {@code EmbeddedKernel}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.rpc.embed;
