package org.fos.itests;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.fos.testkit.FosOptions.fosNode;
import static org.fos.testkit.FosOptions.tcpTransport;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.PayloadCodec;
import org.fos.kernel.spi.Transport;
import org.fos.testkit.support.FosTestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The TCP transport inside a node: its service and {@code fos:transport}, and an update of its bundle
 * while messages flow to a second endpoint (a {@link WirePeer} in the test JVM): nothing is lost or
 * repeated.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TcpTransportIT extends FosTestSupport {
    private static final String PID = "org.fos.transport.tcp";

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(tcpTransport())};
    }

    private void configure(Map<String, Object> values) throws Exception {
        org.osgi.service.cm.Configuration c = service(ConfigurationAdmin.class).getConfiguration(PID, "?");
        c.update(new Hashtable<>(values));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> transportInfo() throws InterruptedException {
        return (Map<String, Object>) executeOk("fos:transport tcp");
    }

    private Collection<ServiceReference<Transport>> tcpTransports() {
        try {
            return bundleContext.getServiceReferences(Transport.class, "(fos.transport=tcp)");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private boolean connectedTo(String node) {
        for (ServiceReference<Transport> r : tcpTransports()) {
            Transport t = bundleContext.getService(r);
            try {
                if (t != null && t.cost(node) >= 0) {
                    return true;
                }
            } finally {
                bundleContext.ungetService(r);
            }
        }
        return false;
    }

    @Test
    public void theTransportServesAndTheCommandShowsIt() throws Exception {
        waitFor("the tcp transport service", () -> !tcpTransports().isEmpty());
        Map<String, Object> info = transportInfo();
        assertEquals(kernel.nodeId(), info.get("node"));
        assertTrue("an endpoint on loopback: " + info, String.valueOf(info.get("endpoint")).startsWith("127.0.0.1:"));
        assertEquals(false, info.get("tls"));
        @SuppressWarnings("unchecked")
        Map<String, Long> counters = (Map<String, Long>) info.get("counters");
        assertEquals(Long.valueOf(0), counters.get("fault.BAD_MAGIC"));
        assertTrue(execute("fos:transport tcp").output().contains("fault.OVERSIZED"));
    }

    @Test
    public void updatingTheTransportBundleUnderLoadLosesAndRepeatsNothing() throws Exception {
        PayloadCodec codec = service(PayloadCodec.class);
        try (WirePeer peer = new WirePeer("peer-x", kernel.nodeId(), codec)) {
            configure(Map.of("peers", "peer-x=127.0.0.1:" + peer.port(), "reconnectMinMillis", 20L, "reconnectMaxMillis", 200L));
            waitFor("connected to peer-x", () -> connectedTo("peer-x"));

            Capability remote = new Capability(new Address("peer-x", 1), Right.SEND.bit(), 11, 22);
            long total = 4000;
            AtomicLong sent = new AtomicLong();
            AtomicReference<Status> failure = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                for (long n = 1; n <= total; n++) {
                    Status s;
                    while ((s = kernel.send(Message.of(remote, "n", n))) == Status.FULL) {
                        Thread.yield();
                    }
                    if (s != Status.OK) {
                        failure.compareAndSet(null, s);
                        return;
                    }
                    sent.set(n);
                }
            }, "tcp-it-sender");
            sender.start();
            waitFor("a quarter delivered", () -> peer.delivered().size() >= total / 4);

            updateWithShell(bundle("org.fos.transport.tcp"), bundleFile("fos-transport-tcp"));

            sender.join(Duration.ofMinutes(1).toMillis());
            assertNull("every send was taken", failure.get());
            assertEquals(total, sent.get());
            waitFor("everything delivered", Duration.ofMinutes(1), () -> peer.delivered().size() >= total);
            List<Object> expected = new ArrayList<>();
            for (long n = 1; n <= total; n++) {
                expected.add(n);
            }
            assertEquals("each number once, in order", expected, peer.delivered());
            assertTrue("the new transport dialled again: " + peer.connections(), peer.connections() >= 2);
            assertNull(peer.error());
            waitFor("all acknowledged", () -> kernel.links().stream().allMatch(l -> l.unacknowledged() == 0));
            assertTrue(String.valueOf(transportInfo().get("peers")).contains("peer-x=connected"));
        } finally {
            configure(Map.of("peers", ""));
        }
    }
}
