package org.fos.sched.api;

/**
 * The outcome of a {@link Decision}.
 *
 * @param taken whether the decision became the fleet's placement
 * @param placement the placement in force after it (the decision's if taken, else the one that won)
 */
public record Decided(boolean taken, Placement placement) {
}
