/**
 * The kernel's service provider interfaces: what transports and codecs implement so that the
 * kernel can route messages to other nodes and encode payloads for the wire.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.8.0")
package org.fos.kernel.spi;
