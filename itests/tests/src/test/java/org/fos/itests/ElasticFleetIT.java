package org.fos.itests;

import static org.fos.testkit.FosOptions.fosBundle;
import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.fos.fleet.api.Elasticity;
import org.fos.fleet.api.FleetRuntime;
import org.fos.itests.elastic.Work;
import org.fos.testkit.support.FosTestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * An elastic fleet under a load that rises and falls: it grows to its maximum, gives a member back
 * when its maximum is lowered under load (the leaving member holds queued calls), and shrinks to its
 * minimum when the load falls, with every call answered once and none lost or run twice.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ElasticFleetIT extends FosTestSupport {

    private static final String PID = "org.fos.itests.elastic.impl.WorkMember";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(fosBundle("fos-itest-elastic"))};
    }

    /** Callers that run jobs until stopped, each call a new job; what they got back and what failed. */
    private final class Load {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();
        final Set<String> servedBy = ConcurrentHashMap.newKeySet();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final AtomicLong answered = new AtomicLong();

        Load(Work work, AtomicLong jobs, int callers, int micros, long pauseMicros) {
            for (int i = 0; i < callers; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            servedBy.add(work.run(jobs.incrementAndGet(), micros));
                            answered.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                        if (pauseMicros > 0) {
                            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pauseMicros));
                        }
                    }
                }, "elastic-load-" + i);
                threads.add(t);
                t.start();
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    private Elasticity elasticity(FleetRuntime runtime) {
        for (Elasticity e : runtime.elasticity()) {
            if (e.fleet().equals(Work.NAME)) {
                return e;
            }
        }
        throw new AssertionError("fos:sched does not list " + Work.NAME + ": " + runtime.elasticity());
    }

    private void configure(ConfigurationAdmin cm, Object... pairs) throws Exception {
        org.osgi.service.cm.Configuration c = cm.getConfiguration(PID, "?");
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        for (int i = 0; i < pairs.length; i += 2) {
            props.put((String) pairs[i], pairs[i + 1]);
        }
        c.update(props);
    }

    /** Back to the settings the component declares, whichever test ran before. */
    private void declaredSettings(FleetRuntime runtime, ConfigurationAdmin cm) throws Exception {
        org.osgi.service.cm.Configuration c = cm.getConfiguration(PID, "?");
        if (c.getProperties() != null) {
            c.delete();
        }
        waitFor("the declared settings", WAIT, () -> {
            Elasticity e = elasticity(runtime);
            return e.max() == 3 && e.depth() == 2 && e.off() == null && e.serving().size() == 1 && e.draining().isEmpty();
        });
    }

    @Test
    public void growsUnderLoadAndShrinksBackWithNothingLostOrRunTwice() throws Exception {
        fleetServing(Work.NAME, 1);
        FleetRuntime runtime = service(FleetRuntime.class);
        ConfigurationAdmin cm = service(ConfigurationAdmin.class);
        declaredSettings(runtime, cm);
        Work work = client(Work.class, Work.NAME);
        AtomicLong jobs = new AtomicLong();
        Elasticity start = elasticity(runtime);
        assertEquals(List.of(0), start.serving());
        assertNull(start.off());
        int before = start.events().size();
        Work.Counts earlier = work.counts(); // the instance lives as long as the container: other tests' jobs

        long answered = 0;
        List<Throwable> failures = new ArrayList<>();
        Set<String> servedBy = ConcurrentHashMap.newKeySet();
        Load heavy = new Load(work, jobs, 12, 2_000, 0);
        try {
            waitFor("the fleet to grow to its maximum of 3 under 12 callers", WAIT, () -> elasticity(runtime).serving().size() == 3);
            // lowering the maximum under load: the member that leaves has calls queued, and answers them
            configure(cm, "fos.elastic.max", 2);
            waitFor("a member to leave after the maximum went down to 2", WAIT,
                    () -> elasticity(runtime).serving().size() == 2 && elasticity(runtime).draining().isEmpty()
                            && kernel.names().find(Work.NAME).size() == 2);
        } finally {
            heavy.stop();
        }
        answered += heavy.answered.get();
        failures.addAll(heavy.failures);
        servedBy.addAll(heavy.servedBy);
        Load light = new Load(work, jobs, 1, 100, 5_000);
        try {
            waitFor("the fleet to shrink to its minimum of 1 under a light load", WAIT,
                    () -> elasticity(runtime).serving().size() == 1 && elasticity(runtime).draining().isEmpty()
                            && kernel.names().find(Work.NAME).size() == 1);
            waitFor("calls to be answered by the last member", WAIT, () -> light.answered.get() > 20);
        } finally {
            light.stop();
        }
        answered += light.answered.get();
        failures.addAll(light.failures);

        assertTrue("every call was answered: " + failures, failures.isEmpty());
        Work.Counts counts = work.counts();
        assertEquals("every job that was answered ran, and nothing else ran", answered, counts.runs() - earlier.runs());
        assertEquals(answered, counts.jobs() - earlier.jobs());
        assertEquals("no job ran twice", 0, counts.duplicates());
        assertEquals(jobs.get(), answered);
        assertTrue("the added members served: " + servedBy, servedBy.contains("fos-member " + Work.NAME + "#1")
                && servedBy.contains("fos-member " + Work.NAME + "#2"));

        List<Elasticity.Event> events = elasticity(runtime).events();
        List<String> steps = new ArrayList<>();
        for (Elasticity.Event e : events.subList(before, events.size())) {
            steps.add(e.from() + "->" + e.to());
        }
        assertEquals(List.of("1->2", "2->3", "3->2", "2->1"), steps);
        assertTrue(events.get(before + 2).reason(), events.get(before + 2).reason().contains("more than the maximum 2"));
        String shown = String.valueOf(executeOk("fos:sched " + Work.NAME));
        assertTrue(shown, shown.contains("serving=[0]") && shown.contains("max=2"));
    }

    @Test
    public void badSettingsAreRefusedAndScalingCanBeSwitchedOff() throws Exception {
        fleetServing(Work.NAME, 1);
        FleetRuntime runtime = service(FleetRuntime.class);
        ConfigurationAdmin cm = service(ConfigurationAdmin.class);
        declaredSettings(runtime, cm);
        // each bad configuration is refused whole (logged); the next good one applies, in order
        String[] why = {"fos.elastic.max must be from 1 to 64, was 0", "fos.elastic.max must be from 1 to 64, was 65",
                "fos.elastic.depth must be a number, was 'deep'", "fos.elastic.periodMillis must be from 100 to 3600000 ms, was 5",
                "fos.elastic.enabled must be true or false, was 'maybe'"};
        int k = 0;
        for (Object[] bad : new Object[][] {{"fos.elastic.max", 0}, {"fos.elastic.max", 65}, {"fos.elastic.depth", "deep"},
                {"fos.elastic.periodMillis", 5}, {"fos.elastic.enabled", "maybe"}}) {
            configure(cm, bad);
            String expected = why[k++];
            waitFor("the refusal of " + List.of(bad) + " to show in fos:sched", WAIT, () -> {
                List<Elasticity.Event> events = elasticity(runtime).events();
                return !events.isEmpty() && events.get(events.size() - 1).reason().endsWith(expected);
            });
            int depth = elasticity(runtime).depth() + 1;
            configure(cm, bad[0], bad[0].equals("fos.elastic.enabled") ? true : bad[0].equals("fos.elastic.periodMillis") ? 500
                    : bad[0].equals("fos.elastic.depth") ? depth : 3, "fos.elastic.depth", depth);
            waitFor("a good configuration to apply after " + List.of(bad), WAIT, () -> elasticity(runtime).depth() == depth);
            assertEquals(3, elasticity(runtime).max());
            assertEquals(500, elasticity(runtime).periodMillis());
            assertNull(elasticity(runtime).off());
        }
        configure(cm, "fos.elastic.enabled", false);
        waitFor("scaling to be switched off", WAIT, () -> elasticity(runtime).off() != null);
        assertTrue(elasticity(runtime).off(), elasticity(runtime).off().contains("switched off"));
        Work work = client(Work.class, Work.NAME);
        Load heavy = new Load(work, new AtomicLong(1L << 40), 12, 2_000, 0);
        try {
            waitFor("calls to queue at the one member", WAIT, () -> heavy.answered.get() > 500);
            assertEquals("switched off, the fleet keeps its one member under load", List.of(0), elasticity(runtime).serving());
        } finally {
            heavy.stop();
        }
        assertTrue("every call was answered: " + heavy.failures, heavy.failures.isEmpty());
        configure(cm, "fos.elastic.enabled", true);
        waitFor("scaling to be on again", WAIT, () -> elasticity(runtime).off() == null);
        String refused = String.valueOf(execute("fos:sched /test/nothing-here").error());
        assertTrue(refused, refused.contains("no elastic fleet /test/nothing-here runs on node"));
    }

    /** The cores a thread of this JVM may run on, as Linux lists them. */
    private static String allowedCores(int threadId) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/task/" + threadId + "/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring("Cpus_allowed_list:".length()).strip();
            }
        }
        throw new AssertionError("no Cpus_allowed_list for thread " + threadId);
    }

    @Test
    public void membersOfAPinnedFleetRunOnTheCoresNotKeptForClients() throws Exception {
        org.junit.Assume.assumeTrue("Linux with /proc", java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/task")));
        fleetServing(Work.NAME, 1);
        FleetRuntime runtime = service(FleetRuntime.class);
        ConfigurationAdmin cm = service(ConfigurationAdmin.class);
        declaredSettings(runtime, cm);
        int cores = Runtime.getRuntime().availableProcessors();
        int expected = cores > 1 ? 1 : 0;
        org.osgi.service.cm.Configuration fleetRuntime = cm.getConfiguration("org.fos.fleet", "?");
        Dictionary<String, Object> before = fleetRuntime.getProperties();
        try {
            Dictionary<String, Object> props = before == null ? new Hashtable<>() : before;
            props.put("pinnedFleets", new String[] {Work.NAME});
            props.put("clientCores", 1);
            fleetRuntime.update(props);
            waitFor("the member of " + Work.NAME + " to be bound to core " + expected, WAIT, () -> {
                org.fos.fleet.api.CoreMap map = runtime.cores();
                return map.members().size() == 1 && map.members().get(0).bound() && map.members().get(0).core() == expected;
            });
            org.fos.fleet.api.CoreMap.Pinned pinned = runtime.cores().members().get(0);
            assertEquals(Work.NAME, pinned.fleet());
            assertEquals("the OS runs the member's thread on its core only", Integer.toString(expected), allowedCores(pinned.threadId()));
            String shown = String.valueOf(executeOk("fos:sched"));
            assertTrue(shown, shown.contains("Pinned[fleet=" + Work.NAME + ", member=0, core=" + expected));
            // a grown member gets a core too, and calls are served on the pinned members
            Work work = client(Work.class, Work.NAME);
            Load heavy = new Load(work, new AtomicLong(1L << 50), 12, 2_000, 0);
            try {
                waitFor("a second pinned member", WAIT, () -> runtime.cores().members().size() >= 2
                        && runtime.cores().members().stream().allMatch(org.fos.fleet.api.CoreMap.Pinned::bound));
            } finally {
                heavy.stop();
            }
            assertTrue("every call was answered: " + heavy.failures, heavy.failures.isEmpty());
            for (org.fos.fleet.api.CoreMap.Pinned p : runtime.cores().members()) {
                assertEquals(p.toString(), Integer.toString(p.core()), allowedCores(p.threadId()));
            }
            // unpinned, the threads run anywhere again
            props.put("pinnedFleets", new String[0]);
            fleetRuntime.update(props);
            waitFor("no pinned member", WAIT, () -> runtime.cores().members().isEmpty());
            String all = cores == 1 ? "0" : "0-" + (cores - 1);
            waitFor("the thread to run on every core again", WAIT, () -> {
                try {
                    return all.equals(allowedCores(pinned.threadId()));
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        } finally {
            if (before == null) {
                fleetRuntime.delete();
            } else {
                fleetRuntime.update(before);
            }
        }
    }
}
