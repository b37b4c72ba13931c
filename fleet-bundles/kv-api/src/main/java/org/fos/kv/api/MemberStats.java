package org.fos.kv.api;

/**
 * The key-value fleet as one member sees it.
 *
 * @param keys how many keys the fleet holds, each group counted at its nearest replica
 * @param lastRevision the highest revision of those keys
 * @param servedBy its implementation: bundle symbolic name and version
 * @param stateLayout the layout version of the state its state machines write
 */
public record MemberStats(int keys, long lastRevision, String servedBy, int stateLayout) {
}
