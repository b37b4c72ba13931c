package org.fos.itests.cluster;

import static org.fos.itests.cluster.ClusterSupport.COMMAND;
import static org.fos.itests.cluster.ClusterSupport.awaitProgress;
import static org.fos.itests.cluster.ClusterSupport.stopAndVerify;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.fos.testkit.Cluster;
import org.fos.testkit.FosOptions;
import org.fos.testkit.NodeProcess;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Rolling upgrades of the key-value fleet across three node processes, each running two members,
 * while node-a drives load: version 2 goes through, version 3 fails on the canary and is rolled back
 * to the version that served before it. The tests run in any order: neither needs the other's
 * version.
 */
public class RollingUpgradeIT {
    private static final Duration UPGRADE = Duration.ofMinutes(3);
    private static final Pattern STEP = Pattern.compile("Step\\[node=([\\w.-]+), action=(\\w+), report=UpgradeReport\\[fleet=/sys/kv,"
            + " from=([^,]*), to=([^,]*), outcome=(\\w+), pauseNanos=(\\d+)");
    private static Cluster cluster;
    private static NodeProcess a;

    @BeforeClass
    public static void startCluster() throws Exception {
        cluster = ClusterSupport.startWithLoad(Cluster.builder("rolling-it").nodes("node-a", "node-b", "node-c")
                .configure("node-a", n -> n.deploy(FosOptions.bundleFile("fos-itest-kvload"))), 6, 3);
        a = cluster.node("node-a");
    }

    @AfterClass
    public static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void t1_version2RollsThroughEveryNodeUnderLoadWithoutAFailedCall() {
        String result = upgradeUnderLoad("fos-itest-kv-v2");
        assertTrue(result, result.startsWith("RollingUpgrade[fleet=/sys/kv, outcome=UPGRADED,"));
        List<Matcher> steps = steps(result);
        assertEquals("one step a node: " + result, 3, steps.size());
        for (Matcher step : steps) {
            assertEquals(result, "upgrade", step.group(2));
            assertEquals(result, "UPGRADED", step.group(5));
            assertTrue(result, step.group(4).endsWith("2.0.0"));
        }
        assertEquals("every node, once", 3, steps.stream().map(m -> m.group(1)).distinct().count());
        assertVersionOnEveryNode("2.0.0");
    }

    @Test
    public void t2_aCanaryThatFailsStopsTheUpgradeAndIsRolledBack() {
        String before = versionOnEveryNode();
        String result = upgradeUnderLoad("fos-itest-kv-v3");
        assertTrue(result, result.startsWith("RollingUpgrade[fleet=/sys/kv, outcome=ROLLED_BACK,"));
        assertTrue(result, result.contains("detail=stopped at the canary "));
        List<Matcher> steps = steps(result);
        assertEquals("only the canary was tried: " + result, 1, steps.size());
        assertEquals(result, "ROLLED_BACK", steps.get(0).group(5));
        assertEquals("the version before the upgrade serves again", before, versionOnEveryNode());
    }

    /** Runs fos:upgrade to a test bundle's file path on node-a while kvload runs there; checks the load; returns the result. */
    private static String upgradeUnderLoad(String bundle) {
        a.executeOk("kvload:start -t 2 -m counters", COMMAND);
        awaitProgress(a, 200);
        String result = a.executeOk("fos:upgrade /sys/kv '" + FosOptions.bundleFile(bundle).getAbsolutePath() + "'", UPGRADE);
        awaitProgress(a, 200);
        stopAndVerify(a, "RollingUpgradeIT to " + bundle, true);
        System.out.println("RollingUpgradeIT: " + result);
        return result;
    }

    private static List<Matcher> steps(String result) {
        Matcher m = STEP.matcher(result);
        List<Matcher> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(STEP.matcher(m.group()));
            out.get(out.size() - 1).find();
        }
        return out;
    }

    private static void assertVersionOnEveryNode(String version) {
        assertEquals(version, versionOnEveryNode());
    }

    /** The version of /sys/kv that serves on every node, checked to be one and the same. */
    private static String versionOnEveryNode() {
        String fleets = a.executeOk("fos:fleets /sys/kv", COMMAND);
        String version = null;
        for (String node : new String[] {"node-a", "node-b", "node-c"}) {
            Matcher m = Pattern.compile("FleetInfo\\[node=" + node + ", name=/sys/kv, protocol=[^,]*, implementation=[^,]*,"
                    + " version=([^,]*), status=(\\w+)").matcher(fleets);
            assertTrue(node + " runs /sys/kv: " + fleets, m.find());
            assertEquals(node + ": " + fleets, "SERVING", m.group(2));
            if (version != null) {
                assertEquals("one version on every node: " + fleets, version, m.group(1));
            }
            version = m.group(1);
        }
        return version;
    }
}
