/**
 * What the file-system fleet's members say to each other ({@link org.fos.fs.peers.FsPeers}, ADR 0082)
 * and the records only they carry. Private to the bundle, never exported: every version of
 * {@code org.fos.fs} carries it, and its methods need the PEER right.
 */
package org.fos.fs.peers;
