package org.fos.itests;

import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.fos.testkit.support.FosTestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Forged, narrowed, widened and revoked capabilities are refused by name and counted in fos:stat. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CapabilityIT extends FosTestSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode()};
    }

    private long statCounter(String key) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Map<String, Object> stat = (Map<String, Object>) executeOk("fos:stat");
        return ((Number) stat.get(key)).longValue();
    }

    private static void expect(Status status, Runnable action) {
        try {
            action.run();
            fail("expected " + status);
        } catch (KernelException e) {
            assertEquals(e.getMessage(), status, e.status());
        }
    }

    @Test
    public void forgedCapabilitiesAreRefusedAndCounted() throws Exception {
        long before = statCounter("rejectedForged");
        Mailbox box = kernel.createMailbox("forgery target", 16);
        SecureRandom random = new SecureRandom();
        Capability real = box.capability();
        Capability guessed = new Capability(real.address(), real.rights(), random.nextLong(), random.nextLong());
        Capability sendOnly = kernel.narrow(real, EnumSet.of(Right.SEND));
        Capability upgraded = new Capability(sendOnly.address(), Right.ALL_BITS, sendOnly.tokenHigh(), sendOnly.tokenLow());

        assertEquals(Status.FORGED, kernel.send(Message.of(guessed, "x", "no")));
        expect(Status.FORGED, () -> kernel.open(upgraded));
        expect(Status.FORGED, () -> kernel.narrow(guessed, EnumSet.of(Right.SEND)));
        assertEquals(0, box.depth());
        assertEquals(before + 3, statCounter("rejectedForged"));
        box.close();
    }

    @Test
    public void narrowedCapabilitiesGrantOnlyTheirRightsAndCannotWiden() throws Exception {
        long widenBefore = statCounter("rejectedWidening");
        long noRightBefore = statCounter("rejectedNoRight");
        Mailbox box = kernel.createMailbox("narrowing", 16);
        Capability sendOnly = kernel.narrow(box.capability(), EnumSet.of(Right.SEND));
        Capability sendGrant = kernel.narrow(box.capability(), EnumSet.of(Right.SEND, Right.GRANT));

        assertEquals(Status.OK, kernel.send(Message.of(sendOnly, "x", "yes")));
        expect(Status.NO_RIGHT, () -> kernel.open(sendOnly));
        expect(Status.NO_RIGHT, () -> kernel.narrow(sendOnly, EnumSet.of(Right.SEND)));
        expect(Status.WIDENING, () -> kernel.narrow(sendGrant, EnumSet.of(Right.SEND, Right.RECEIVE)));
        Capability narrower = kernel.narrow(sendGrant, EnumSet.of(Right.SEND));
        assertEquals(Status.OK, kernel.send(Message.of(narrower, "x", "yes")));
        assertEquals("yes", box.receive(5, TimeUnit.SECONDS).payload());

        assertEquals(widenBefore + 1, statCounter("rejectedWidening"));
        assertEquals(noRightBefore + 2, statCounter("rejectedNoRight"));
        box.close();
    }

    @Test
    public void revokingACapabilityRevokesEverythingDerivedFromIt() throws Exception {
        long before = statCounter("rejectedRevoked");
        Mailbox box = kernel.createMailbox("revocation", 16);
        Capability granted = kernel.narrow(box.capability(), EnumSet.of(Right.SEND, Right.GRANT));
        Capability regranted = kernel.narrow(granted, EnumSet.of(Right.SEND));
        Capability other = kernel.narrow(box.capability(), EnumSet.of(Right.SEND));

        kernel.revoke(box.capability(), granted);

        assertEquals(Status.REVOKED, kernel.send(Message.of(granted, "x", "no")));
        assertEquals(Status.REVOKED, kernel.send(Message.of(regranted, "x", "no")));
        assertEquals(Status.OK, kernel.send(Message.of(other, "x", "yes")));
        assertEquals(Status.REVOKED, kernel.check(regranted));
        assertEquals(before + 2, statCounter("rejectedRevoked"));
        assertNotNull(box.poll());
        assertEquals(null, box.poll());
        box.close();
    }

    @Test
    public void aCapabilityTravelsInsideAMessage() throws Exception {
        Mailbox a = kernel.createMailbox("a", 16);
        Mailbox b = kernel.createMailbox("b", 16);
        Capability toB = kernel.narrow(b.capability(), EnumSet.of(Right.SEND));
        assertEquals(Status.OK, kernel.send(Message.of(a.capability(), "grant", toB)));
        Capability received = (Capability) a.receive(5, TimeUnit.SECONDS).payload();
        assertEquals(Status.OK, kernel.send(Message.of(received, "hello", "via a passed capability")));
        assertEquals("via a passed capability", b.receive(5, TimeUnit.SECONDS).payload());
        kernel.revoke(b.capability(), toB);
        assertEquals(Status.REVOKED, kernel.send(Message.of(received, "hello", "no")));
        a.close();
        b.close();
        assertTrue(a.isClosed());
    }
}
