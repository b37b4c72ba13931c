package org.fos.itests;

import static org.fos.testkit.FosOptions.fosBundle;
import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.fos.itests.pinger.Pinger;
import org.fos.kernel.api.NameEntry;
import org.fos.testkit.support.FosTestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Two separate bundles, a server and a client, exchange messages through the kernel by name. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KernelMessagingIT extends FosTestSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(fosBundle("fos-itest-echo"), fosBundle("fos-itest-pinger"))};
    }

    @Test
    public void clientBundleReachesServerBundleByName() throws Exception {
        waitFor("/test/echo to be registered", () -> !kernel.names().find("/test/echo").isEmpty());
        Pinger pinger = service(Pinger.class);

        List<String> answers = pinger.ping("/test/echo", 1000, 30_000);

        assertEquals(1000, answers.size());
        Set<String> distinct = new HashSet<>(answers);
        assertEquals("every answer exactly once", 1000, distinct.size());
        for (int i = 0; i < 1000; i++) {
            assertTrue("answer to ping-" + i, distinct.contains("ping-" + i));
        }
    }

    @Test
    public void serverIsListedUnderItsNameWithItsProperties() {
        waitFor("/test/echo to be registered", () -> !kernel.names().find("/test/echo").isEmpty());
        List<NameEntry> entries = kernel.names().find("/test/echo");
        assertEquals(1, entries.size());
        assertEquals("1", entries.get(0).properties().get("version"));
        assertEquals(kernel.nodeId(), entries.get(0).address().node());
        assertTrue(kernel.mailboxes().stream().anyMatch(m -> m.address().equals(entries.get(0).address()) && m.label().equals("echo")));
    }
}
