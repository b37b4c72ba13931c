package org.fos.itests;

import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.keyValueFleet;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.MemberInfo;
import org.fos.kv.api.CasResult;
import org.fos.kv.api.Entry;
import org.fos.kv.api.KeyValue;
import org.fos.kv.api.MemberStats;
import org.fos.kv.api.PutResult;
import org.fos.testkit.support.CommandResult;
import org.fos.testkit.support.FosTestSupport;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** A client bundle (this test) calls the key-value fleet through its name, as a user would. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KeyValueFleetIT extends FosTestSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(keyValueFleet())};
    }

    private KeyValue kv;

    @Before
    public void ready() throws Exception {
        fleetServing(KeyValue.NAME, 2);
        kv = client(KeyValue.class, KeyValue.NAME);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void callsSynchronouslyAndAsynchronously() throws Exception {
        PutResult put = kv.put("sync:a", b("alpha"));
        assertTrue(put.servedBy(), put.servedBy().startsWith("org.fos.kv/1.0.0"));
        assertArrayEquals(b("alpha"), kv.get("sync:a").value());
        assertEquals(put.revision(), kv.get("sync:a").revision());

        CompletableFuture<PutResult> p = kv.putAsync("async:b", b("beta")).toCompletableFuture();
        long revision = p.get(10, TimeUnit.SECONDS).revision();
        Entry e = kv.getAsync("async:b").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertArrayEquals(b("beta"), e.value());
        assertEquals(revision, e.revision());

        CasResult cas = kv.compareAndSet("sync:a", put.revision(), b("alpha2"));
        assertTrue(cas.applied());
        assertFalse(kv.compareAndSet("sync:a", put.revision(), b("stale")).applied());
        assertTrue(kv.delete("sync:a"));
        assertNull(kv.get("sync:a"));
    }

    @Test
    public void keysSpreadOverTheGroupsAndScanGathersThemAll() throws Exception {
        List<GroupInfo> before = service(FleetRuntime.class).groups();
        for (int i = 0; i < 200; i++) {
            kv.put(String.format("spread:%03d", i), b("v" + i));
        }
        List<GroupInfo> after = service(FleetRuntime.class).groups();
        assertEquals("8 groups of /sys/kv, each kept on this one node", 8, after.size());
        long total = 0;
        for (int g = 0; g < after.size(); g++) {
            GroupInfo a = after.get(g);
            assertEquals(List.of(service(org.fos.kernel.api.Kernel.class).nodeId()), a.peers());
            assertEquals("LEADER", a.role());
            long applied = a.appliedIndex() - before.get(g).appliedIndex();
            assertTrue("each group takes a share of the writes, group " + g + " applied " + applied, applied > 5);
            total += applied;
        }
        assertTrue("every write went through a group's log: " + total, total >= 200);
        List<Entry> all = kv.scan("spread:", 10_000).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(200, all.size());
        assertEquals("spread:000", all.get(0).key());
        assertEquals("spread:199", all.get(199).key());
        assertEquals(5, kv.scan("spread:", 5).toCompletableFuture().get(30, TimeUnit.SECONDS).size());
    }

    @Test
    public void callsWithoutAKeySpreadRoundRobin() throws Exception {
        FleetInfo before = fleetServing(KeyValue.NAME, 2);
        for (int i = 0; i < 20; i++) {
            MemberStats s = kv.stats();
            assertTrue(s.servedBy().startsWith("org.fos.kv/"));
        }
        FleetInfo after = fleetServing(KeyValue.NAME, 2);
        for (int i = 0; i < 2; i++) {
            MemberInfo b = before.members().get(i);
            MemberInfo a = after.members().get(i);
            assertEquals("round robin sends half the calls to member " + i, 10, a.served() - b.served());
        }
    }

    @Test
    public void fleetsCommandShowsMembersVersionsAndCounts() throws Exception {
        kv.put("fleets:x", b("x"));
        @SuppressWarnings("unchecked")
        List<FleetInfo> fleets = (List<FleetInfo>) executeOk("fos:fleets");
        FleetInfo f = fleets.stream().filter(i -> i.name().equals(KeyValue.NAME)).findFirst().orElseThrow();
        assertEquals(FleetInfo.Status.SERVING, f.status());
        assertEquals("org.fos.kv", f.implementation());
        assertTrue(f.version().startsWith("1.0.0"));
        assertEquals(KeyValue.class.getName(), f.protocol());
        assertEquals(2, f.members().size());
        assertTrue(f.served() > 0);
        String printed = execute("fos:fleets").output();
        assertTrue(printed, printed.contains("/sys/kv") && printed.contains("SERVING"));
    }

    @Test
    public void callCommandParsesArgumentsAndExplainsErrors() throws Exception {
        Object put = executeOk("fos:call /sys/kv put shell:key hello-from-the-shell");
        assertTrue(put instanceof PutResult);
        Entry got = (Entry) executeOk("fos:call /sys/kv get shell:key");
        assertArrayEquals(b("hello-from-the-shell"), got.value());
        assertEquals(Boolean.TRUE, executeOk("fos:call /sys/kv delete shell:key"));
        assertEquals("a method that returns a value says that it returned none", "null", executeOk("fos:call /sys/kv get shell:key"));
        CasResult cas = (CasResult) executeOk("fos:call /sys/kv compareAndSet shell:cas 0 first");
        assertTrue(cas.applied());
        @SuppressWarnings("unchecked")
        List<Entry> scanned = (List<Entry>) executeOk("fos:call /sys/kv scan shell: 10");
        assertEquals(1, scanned.size());

        assertFails("fos:call /sys/nothing get k", "no fleet is registered under /sys/nothing");
        assertFails("fos:call /sys/kv fetch k", "has no method 'fetch'");
        assertFails("fos:call /sys/kv get", "get takes 1 argument (String key), got 0");
        assertFails("fos:call /sys/kv compareAndSet k notanumber v", "argument 2 of compareAndSet ('notanumber') is not a long");
        assertFails("fos:call /sys/kv put '' v", "key is empty");
        assertFails("fos:call /sys/kv scan p 0", "scan limit must be from 1 to 10000, was 0");
        assertFails("fos:call -t 0 /sys/kv get k", "timeout must be positive");
        assertFails("fos:call -s sideways /sys/kv get k", "unknown selection 'sideways'");
        assertFails("fos:call sys/kv get k", "invalid name 'sys/kv'");
        assertFails("fos:call /sys/kv get \"unclosed", "");
        // and the fleet keeps serving
        kv.put("after:errors", b("ok"));
        assertArrayEquals(b("ok"), kv.get("after:errors").value());
    }

    @Test
    public void badInputThroughTheProxyIsRefusedAndTheFleetKeepsServing() throws Exception {
        assertEquals("key is empty", assertThrows(IllegalArgumentException.class, () -> kv.put("", b("x"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> kv.put("k", new byte[KeyValue.MAX_VALUE_BYTES + 1]))
                .getMessage().contains("more than"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> kv.get(null)).getMessage().contains("@Key argument"));
        assertTrue(kv.put("still:serving", b("yes")).revision() > 0);
    }

    private void assertFails(String commandLine, String expected) throws InterruptedException {
        CommandResult r = execute(commandLine);
        assertTrue("'" + commandLine + "' should fail", r.failed());
        assertTrue("'" + commandLine + "' said: " + r.output(), r.output().contains(expected));
    }
}
