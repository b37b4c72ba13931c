package org.fos.example.journal.test;

import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.userBundle;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.fos.example.journal.Journal;
import org.fos.fleet.api.UpgradeReport;
import org.fos.testkit.support.FosTestSupport;
import org.fos.testkit.support.Load;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;

@RunWith(PaxExam.class)
public class JournalUpgradeIT extends FosTestSupport {

    @Configuration
    public Option[] node() {
        return new Option[] {fosNode(userBundle("../journal-api/target/journal-api.jar"), userBundle("../journal/target/journal.jar"))};
    }

    @Test
    public void upgradeUnderLoadLosesNothing() throws Exception {
        fleetServing(Journal.NAME, 2);
        Journal journal = client(Journal.class, Journal.NAME);
        Load load = Load.start(4, (thread, seq) -> journal.append("stream-" + thread, seq));
        load.awaitCalls(500);
        UpgradeReport upgrade = upgradeWithCommand(Journal.NAME, "../journal-v2/target/journal-v2.jar");
        load.awaitCalls(1000);
        Load.Report report = load.stop();
        assertEquals(upgrade.detail(), UpgradeReport.Outcome.UPGRADED, upgrade.outcome());
        assertTrue(journal.version(), journal.version().startsWith("2 "));
        report.assertExactlyOnce(thread -> journal.read("stream-" + thread));
    }
}
