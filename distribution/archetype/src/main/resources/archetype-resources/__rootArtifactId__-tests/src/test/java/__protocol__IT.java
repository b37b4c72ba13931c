package ${package};

import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.userBundle;
import static org.junit.Assert.assertEquals;

import org.fos.fleet.api.UpgradeReport;
import org.fos.testkit.support.FosTestSupport;
import org.fos.testkit.support.Load;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;

/**
 * The fleet in a fos node (Felix, the kernel, libfos and the fleet runtime, started by Pax Exam in
 * this JVM): called through a typed client and the shell, and upgraded live under load.
 */
@RunWith(PaxExam.class)
public class ${protocol}IT extends FosTestSupport {
    private static final String API = "../${rootArtifactId}-api/target/${rootArtifactId}-api.jar";
    private static final String FLEET = "../${rootArtifactId}-fleet/target/${rootArtifactId}-fleet.jar";

    /**
     * The node and the two bundles built by this project.
     *
     * @return the options
     */
    @Configuration
    public Option[] node() {
        return new Option[] {fosNode(userBundle(API), userBundle(FLEET))};
    }

    @Test
    public void shouldCountThroughAClientAndTheShell() throws Exception {
        fleetServing(${protocol}.NAME, 2);
        ${protocol} counters = client(${protocol}.class, ${protocol}.NAME);
        assertEquals(3, counters.add("apples", 3));
        assertEquals(5, counters.add("apples", 2));
        assertEquals(0, counters.get("pears"));
        // the shell names the method and its parameters, the build keeps their names (-parameters)
        assertEquals("7", String.valueOf(executeOk("fos:call " + ${protocol}.NAME + " add apples 2")));
        assertEquals(7, counters.get("apples"));
    }

    @Test
    public void shouldKeepEveryCallAndTheStateAcrossALiveUpgrade() throws Exception {
        fleetServing(${protocol}.NAME, 2);
        ${protocol} counters = client(${protocol}.class, ${protocol}.NAME);
        counters.add("before-upgrade", 42);
        Load load = Load.start(4, (thread, seq) -> counters.add("load-" + thread, 1));
        load.awaitCalls(500);
        // the same build again: a new version is this with Bundle-Version raised in bnd.bnd
        UpgradeReport upgrade = upgradeWithCommand(${protocol}.NAME, FLEET);
        load.awaitCalls(1000);
        Load.Report report = load.stop();
        assertEquals(upgrade.detail(), UpgradeReport.Outcome.UPGRADED, upgrade.outcome());
        assertEquals(report.summary(), 0, report.failed());
        assertEquals(42, counters.get("before-upgrade"));
        for (int thread = 0; thread < 4; thread++) {
            // each acknowledged call added 1 exactly once: none lost, none applied twice
            assertEquals("thread " + thread, report.succeeded(thread).length, counters.get("load-" + thread));
        }
    }
}
