package org.fos.kv.api;

/**
 * The outcome of a compare-and-set.
 *
 * @param applied whether the value was written
 * @param revision the key's revision afterwards: the new one if applied, the current one (0 if
 *        absent) if not
 */
public record CasResult(boolean applied, long revision) {
}
