/**
 * Histories of client operations on keyed registers and the checks that judge them: a thread-safe
 * recorder ({@link org.fos.testkit.history.History}), a linearizability checker for a per-key
 * register model ({@link org.fos.testkit.history.Linearizability}), counts of lost, stale,
 * duplicated and phantom values ({@link org.fos.testkit.history.Anomalies}), JSON-lines files
 * ({@link org.fos.testkit.history.HistoryFile}) and one facade for tests
 * ({@link org.fos.testkit.history.HistoryCheck}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.testkit.history;
