package org.fos.metrics.impl;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters whose set follows snapshots: the node's fleets, members, links and transports come and go,
 * so every refresh states the values it saw ({@link #counter}, {@link #gauge}) between
 * {@link #begin()} and {@link #end()}; a meter not stated in a refresh is removed from the registry,
 * one stated for the first time is registered. The registry reads the values a refresh left.
 * Refreshes must not overlap (the endpoint serializes them).
 */
final class DynamicMeters {
    /** A value the registry reads. */
    private static final class Cell {
        volatile double value;
        Meter meter;
        boolean seen;
    }

    private final MeterRegistry registry;
    private final Map<String, Cell> cells = new HashMap<>();

    DynamicMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void begin() {
        for (Cell c : cells.values()) {
            c.seen = false;
        }
    }

    /**
     * States a counter's total.
     *
     * @param name the meter's name, dotted ({@code fos.kernel.messages.sent}); Prometheus shows it with {@code _total}
     * @param description what it counts
     * @param value the total since the thing counted started
     * @param tags label names and values, alternating
     */
    void counter(String name, String description, double value, String... tags) {
        Cell c = cell("c", name, tags);
        if (c.meter == null) {
            c.meter = FunctionCounter.builder(name, c, x -> x.value).description(description).tags(tags).register(registry);
        }
        c.value = value;
    }

    /**
     * States a gauge's value.
     *
     * @param name the meter's name
     * @param description what it measures
     * @param value its value now
     * @param tags label names and values, alternating
     */
    void gauge(String name, String description, double value, String... tags) {
        Cell c = cell("g", name, tags);
        if (c.meter == null) {
            c.meter = Gauge.builder(name, c, x -> x.value).description(description).tags(tags).register(registry);
        }
        c.value = value;
    }

    private Cell cell(String kind, String name, String[] tags) {
        StringBuilder key = new StringBuilder(kind).append(' ').append(name);
        for (String t : tags) {
            key.append('\u0000').append(t);
        }
        Cell c = cells.computeIfAbsent(key.toString(), k -> new Cell());
        c.seen = true;
        return c;
    }

    /** Removes the meters this refresh did not state. */
    void end() {
        for (Iterator<Cell> i = cells.values().iterator(); i.hasNext();) {
            Cell c = i.next();
            if (!c.seen) {
                if (c.meter != null) {
                    registry.remove(c.meter);
                }
                i.remove();
            }
        }
    }

    /** How many meters the last refresh stated. */
    int size() {
        return cells.size();
    }
}
