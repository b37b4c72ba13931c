package org.fos.itests.elastic;

/** A fleet whose calls take a stated time, as a service with I/O would; it counts how often each job ran. */
public interface Work {

    /** The fleet's name. */
    String NAME = "/test/elastic";

    /**
     * Runs a job once: waits {@code micros} microseconds in the member that took it.
     *
     * @param job the caller's number for the job, unique per call
     * @param micros how long the job takes
     * @return the member thread that ran it, such as {@code fos-member /test/elastic#2}
     */
    String run(long job, int micros);

    /**
     * Counts the jobs.
     *
     * @return runs, distinct jobs and jobs run more than once
     */
    Counts counts();

    /**
     * What the fleet ran.
     *
     * @param runs calls of {@link Work#run} that ran
     * @param jobs distinct jobs among them
     * @param duplicates runs of a job that had run before
     */
    record Counts(long runs, long jobs, long duplicates) {
    }
}
