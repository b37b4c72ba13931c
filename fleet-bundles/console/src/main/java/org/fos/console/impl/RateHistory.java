package org.fos.console.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last minutes of a node's counters, as rates per second: the console's charts draw them. A
 * sample holds the counters' totals at one moment; each series is the difference between
 * consecutive samples divided by the time between them. A counter that goes down (a fleet's
 * members were replaced, a link restarted) yields no negative rate: that point is 0. At most
 * {@code capacity} samples are kept, the oldest dropped first. Thread-safe.
 */
final class RateHistory {
    private final int capacity;
    private final long[] times;
    private final List<Map<String, Long>> samples = new ArrayList<>();
    private int start;
    private int size;

    /**
     * Creates an empty history.
     *
     * @param capacity how many samples to keep, at least 2
     */
    RateHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("a rate history needs at least 2 samples, was " + capacity);
        }
        this.capacity = capacity;
        this.times = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            samples.add(Map.of());
        }
    }

    /**
     * Adds a sample.
     *
     * @param atMillis when it was taken, in milliseconds since the epoch; later than the previous one
     * @param totals the counters' totals by series name
     */
    synchronized void add(long atMillis, Map<String, Long> totals) {
        if (size > 0 && atMillis <= times[(start + size - 1) % capacity]) {
            throw new IllegalArgumentException("sample at " + atMillis + " is not later than the last one");
        }
        int slot = (start + size) % capacity;
        if (size == capacity) {
            start = (start + 1) % capacity;
        } else {
            size++;
        }
        times[slot] = atMillis;
        samples.set(slot, Map.copyOf(totals));
    }

    /**
     * Returns the rates of the series whose names start with a prefix.
     *
     * @param prefix the prefix, empty for all
     * @return the times of the points (milliseconds since the epoch, each the end of its interval)
     *         under {@code times}, and one list of rates per second a series under {@code series}
     */
    synchronized Map<String, Object> rates(String prefix) {
        List<Long> at = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (int i = 1; i < size; i++) {
            int prev = (start + i - 1) % capacity;
            int cur = (start + i) % capacity;
            double seconds = (times[cur] - times[prev]) / 1000.0;
            at.add(times[cur]);
            Map<String, Long> before = samples.get(prev);
            Map<String, Long> now = samples.get(cur);
            for (Map.Entry<String, Long> e : now.entrySet()) {
                if (!e.getKey().startsWith(prefix)) {
                    continue;
                }
                List<Double> points = series.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                while (points.size() < at.size() - 1) {
                    points.add(0.0); // the series began after the others
                }
                Long old = before.get(e.getKey());
                double delta = old == null ? 0 : Math.max(0, e.getValue() - old);
                points.add(delta / seconds);
            }
            for (List<Double> points : series.values()) {
                while (points.size() < at.size()) {
                    points.add(0.0); // the series has ended (a fleet or link went away)
                }
            }
        }
        Map<String, Object> out = new HashMap<>();
        out.put("times", at);
        out.put("series", series);
        return out;
    }
}
