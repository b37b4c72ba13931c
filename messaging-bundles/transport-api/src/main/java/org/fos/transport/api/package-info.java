/**
 * What the transports of a node share: the cluster secret, the mutual challenge that proves,
 * at a link's handshake, that both ends hold it, the window of numbers already in a stream, and
 * the table of the envelope strings a reader read last.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.fos.transport.api;
