package org.fos.testkit;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.runner.Description;
import org.junit.runner.notification.RunListener;

/**
 * Makes every Awaitility wait of this JVM look at its condition at once, then every poll interval,
 * and leave other threads' uncaught exceptions to them.
 * Left alone, Awaitility first waits one poll interval (its default poll delay is the interval), so a
 * wait whose condition already holds costs 100 ms, or 500 ms with the cluster tests' interval: the
 * tests that await a whole cluster before each test (six nodes reaching each other, every group with
 * a leader) lost seconds a test waiting for what was already true. Name it as the failsafe plugin's
 * {@code listener} (the itests poms do); it reaches the tests that run in the failsafe JVM, not the
 * Awaitility bundle inside a Pax Exam framework.
 */
public final class ConditionsCheckedAtOnce extends RunListener {

    /**
     * Sets Awaitility's default poll delay to zero, before the first test class.
     *
     * @param description the tests to run
     */
    @Override
    public void testRunStarted(Description description) {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        // and a wait fails on its own condition, not on whatever thread of the JVM dies meanwhile
        // (a thread of an earlier test's framework or server ending late; see FosTestSupport)
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }
}
