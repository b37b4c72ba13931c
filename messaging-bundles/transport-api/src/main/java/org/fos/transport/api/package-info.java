/**
 * What the transports of a node share: the cluster secret, the mutual challenge that proves,
 * at a link's handshake, that both ends hold it, and the window of numbers already in a stream.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.fos.transport.api;
