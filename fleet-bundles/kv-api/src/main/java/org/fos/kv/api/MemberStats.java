package org.fos.kv.api;

/**
 * One member of the key-value fleet.
 *
 * @param keys how many keys it holds
 * @param lastRevision the last revision it gave out
 * @param servedBy its implementation: bundle symbolic name and version
 * @param stateLayout the layout version of the state it exports
 */
public record MemberStats(int keys, long lastRevision, String servedBy, int stateLayout) {
}
