package org.fos.itests.elastic.impl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.fos.fleet.api.Elastic;
import org.fos.fleet.api.Fleet;
import org.fos.itests.elastic.Work;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;

/**
 * The elastic test fleet: one instance shared by its members (so a member may come and go without
 * state of its own), 1 to 3 members, growing when more than 2 calls a member wait for half a
 * second. Its configuration (PID {@code org.fos.itests.elastic.impl.WorkMember}) changes the
 * elastic properties in place ({@link #modified}), without restarting the component.
 */
@Component(service = Work.class)
@Fleet(name = Work.NAME, members = 1)
@Elastic(min = 1, max = 3, depth = 2, periodMillis = 500, idleMillis = 1500)
public class WorkMember implements Work {
    private final Map<Long, Boolean> seen = new ConcurrentHashMap<>();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    @Override
    public String run(long job, int micros) {
        runs.incrementAndGet();
        if (seen.putIfAbsent(job, Boolean.TRUE) != null) {
            duplicates.incrementAndGet();
        }
        long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
        for (long left = micros * 1000L; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        return Thread.currentThread().getName();
    }

    @Override
    public Counts counts() {
        return new Counts(runs.get(), seen.size(), duplicates.get());
    }

    /** A configuration change updates the service properties; the fleet runtime applies them at once. */
    @Modified
    void modified() {
        // nothing of the instance changes: the fleet runtime reads the new properties
    }
}
