package org.fos.kv.api;

/**
 * The outcome of a write.
 *
 * @param revision the key's new revision
 * @param servedBy the implementation that served the write: bundle symbolic name and version
 */
public record PutResult(long revision, String servedBy) {
}
