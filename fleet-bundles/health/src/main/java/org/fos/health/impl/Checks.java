package org.fos.health.impl;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.Result;

/** What the fos health checks share. */
final class Checks {
    /** The tag of every fos health check: {@code /system/health} and {@code fos:health} run the checks that carry it. */
    static final String TAG = "fos";

    private Checks() {
    }

    /** A result of several findings: its status is the worst of them. */
    static Result of(FormattingResultLog log) {
        return new Result(log);
    }
}
