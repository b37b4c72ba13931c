/**
 * What the transports of a node share: the cluster secret and the mutual challenge that proves,
 * at a link's handshake, that both ends hold it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.fos.transport.api;
