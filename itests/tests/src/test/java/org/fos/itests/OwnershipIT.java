package org.fos.itests;

import static org.fos.testkit.FosOptions.fosBundle;
import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Map;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Registration;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.fos.testkit.support.FosTestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** Stopping a bundle releases its mailboxes and names, unless their ownership was handed over. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OwnershipIT extends FosTestSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(fosBundle("fos-itest-echo"))};
    }

    private boolean hasMailbox(Address address) {
        return kernel.mailboxes().stream().anyMatch(m -> m.address().equals(address));
    }

    @Test
    public void stoppingABundleReleasesItsMailboxesAndNames() throws Exception {
        Bundle echo = bundle("org.fos.itest.echo");
        waitFor("/test/echo to be registered", () -> !kernel.names().find("/test/echo").isEmpty());
        Address echoBox = kernel.names().find("/test/echo").get(0).address();
        assertTrue(hasMailbox(echoBox));

        echo.stop();

        assertFalse("the echo mailbox is released", hasMailbox(echoBox));
        assertTrue("its name is gone", kernel.names().find("/test/echo").isEmpty());
        try {
            kernel.names().resolve("/test/echo", Selection.ROUND_ROBIN);
        } catch (KernelException e) {
            assertEquals(Status.NO_SUCH_NAME, e.status());
        }

        echo.start();
        waitFor("/test/echo to come back", () -> !kernel.names().find("/test/echo").isEmpty());
        assertFalse(kernel.names().find("/test/echo").get(0).address().equals(echoBox));
    }

    @Test
    public void handedOverMailboxesAndNamesFollowTheirNewOwner() throws Exception {
        Bundle echo = bundle("org.fos.itest.echo");
        Mailbox kept = kernel.createMailbox("kept by the test", 16);
        Mailbox handedOver = kernel.createMailbox("handed to echo", 16);
        Registration name = kernel.names().register("/test/handed", kept.capability(), Map.of());
        kernel.transfer(handedOver.capability(), echo.getBundleId());
        name.transfer(echo.getBundleId());

        echo.stop();

        assertTrue(handedOver.isClosed());
        assertFalse(kept.isClosed());
        assertFalse(name.isActive());
        assertTrue(kernel.names().find("/test/handed").isEmpty());
        echo.start();
        kept.close();
    }

    @Test
    public void handingOverToTheKernelKeepsAMailboxUntilItIsClosed() throws Exception {
        Bundle echo = bundle("org.fos.itest.echo");
        Mailbox box = kernel.createMailbox("kernel held", 16);
        kernel.transfer(box.capability(), echo.getBundleId());
        kernel.transfer(box.capability(), 0);
        echo.stop();
        echo.start();
        assertFalse(box.isClosed());
        box.close();
        assertFalse(hasMailbox(box.address()));
    }
}
