package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.keyValueFleet;
import static org.fos.testkit.FosOptions.namingFleet;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.UpgradeReport;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameEvent;
import org.fos.kernel.api.Registration;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.fos.kernel.api.Subscription;
import org.fos.kernel.spi.NameStore;
import org.fos.kv.api.KeyValue;
import org.fos.naming.api.NameService;
import org.fos.testkit.support.FosTestSupport;
import org.fos.testkit.support.Load;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The name service served as a fleet, with the kernel's name cache as its client. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NamingFleetIT extends FosTestSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(namingFleet(), keyValueFleet())};
    }

    private NameService naming;

    @Before
    public void ready() throws Exception {
        fleetServing(NameService.NAME, 1);
        service(NameStore.class);
        fleetServing(KeyValue.NAME, 2);
        naming = client(NameService.class, NameService.NAME);
        waitFor("the kv members to reach the naming fleet", () -> naming.find(KeyValue.NAME).size() == 2);
    }

    @Test
    public void registrationsLiveInTheFleetAndTheCacheHasThemBeforeRegisterReturns() throws Exception {
        Mailbox box = kernel.createMailbox("named", 16);
        Registration r = kernel.names().register("/test/named", box.capability(), Map.of("v", "1"));
        // read-your-writes: resolvable at once, through the cache, and stored in the fleet
        assertEquals(box.address(), kernel.names().resolve("/test/named", Selection.ROUND_ROBIN).address());
        List<NameEntry> inFleet = naming.find("/test/named");
        assertEquals(1, inFleet.size());
        assertEquals("1", inFleet.get(0).properties().get("v"));
        assertTrue(naming.list("/").stream().anyMatch(e -> e.name().equals(KeyValue.NAME)));
        assertTrue(kernel.names().find(NameService.NAME).size() == 1);

        r.close();
        KernelException e = assertThrows(KernelException.class, () -> kernel.names().resolve("/test/named", Selection.ROUND_ROBIN));
        assertEquals(Status.NO_SUCH_NAME, e.status());
        assertTrue(naming.find("/test/named").isEmpty());
        box.close();
    }

    @Test
    public void subscribersSeeEveryChangeInOrderThroughTheFleet() throws Exception {
        List<NameEvent> events = new CopyOnWriteArrayList<>();
        Subscription s = kernel.names().subscribe("/test/watched", events::add);
        Mailbox a = kernel.createMailbox("a", 16);
        Mailbox b = kernel.createMailbox("b", 16);
        kernel.names().register("/test/watched", a.capability(), Map.of());
        kernel.names().register("/test/watched", b.capability(), Map.of());
        a.close();
        waitFor("four events", () -> events.size() >= 4);
        assertEquals(List.of(NameEvent.Kind.SNAPSHOT, NameEvent.Kind.ADDED, NameEvent.Kind.ADDED, NameEvent.Kind.REMOVED),
                events.stream().map(NameEvent::kind).toList());
        assertEquals(1, events.get(3).members().size());
        s.close();
        b.close();
    }

    @Test
    public void theNamingFleetIsUpgradedLiveWhileClientsCallTheKeyValueFleet() throws Exception {
        KeyValue kv = client(KeyValue.class, KeyValue.NAME);
        int before = service(FleetRuntime.class).upgrades().size();
        Load load = Load.start(2, (t, seq) -> kv.put("naming-upgrade:" + t + ":" + seq, new byte[] {1}));
        load.awaitCalls(200, Duration.ofMinutes(5));

        updateWithShell(bundle("org.fos.naming"), bundleFile("fos-naming"));

        UpgradeReport upgrade = awaitUpgrade(NameService.NAME, before);
        service(NameStore.class);
        load.awaitCalls(400, Duration.ofMinutes(5));
        Load.Report report = load.stop();
        System.out.println("NamingFleetIT: naming " + upgrade.outcome() + " after a pause of " + upgrade.pause().toMillis()
                + " ms; kv load " + report.summary());
        assertEquals(upgrade.detail(), UpgradeReport.Outcome.UPGRADED, upgrade.outcome());
        assertEquals(0, report.failed());
        // the state went over: the fleet still knows the kv members, and new names work
        naming = client(NameService.class, NameService.NAME);
        waitFor("the kv members in the upgraded naming fleet", () -> naming.find(KeyValue.NAME).size() == 2);
        Mailbox box = kernel.createMailbox("after", 16);
        kernel.names().register("/test/after-upgrade", box.capability(), Map.of());
        assertEquals(box.address(), kernel.names().resolve("/test/after-upgrade", Selection.ROUND_ROBIN).address());
        assertEquals(1, naming.find("/test/after-upgrade").size());
        box.close();
    }
}
