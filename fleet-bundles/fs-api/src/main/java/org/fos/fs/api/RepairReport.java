package org.fos.fs.api;

import java.util.List;

/**
 * What a check with repair found and did.
 *
 * @param before the check before anything was changed
 * @param repaired one sentence a repair made
 * @param notRepaired one sentence a problem that could not be repaired, and why
 * @param after the check after the repairs, or null if nothing was repaired or no repair was asked
 */
public record RepairReport(FsckReport before, List<String> repaired, List<String> notRepaired, FsckReport after) {
}
