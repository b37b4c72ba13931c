package org.fos.itests;

import static org.fos.testkit.FosOptions.fosBundle;
import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.NameEntry;
import org.fos.testkit.support.CommandResult;
import org.fos.testkit.support.FosTestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Every fos kernel command, run through a Gogo session, and its answers to bad arguments. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KernelCommandsIT extends FosTestSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(fosBundle("fos-itest-echo"))};
    }

    private void assertFails(String commandLine, String expectedMessagePart) throws InterruptedException {
        CommandResult r = execute(commandLine);
        assertTrue("'" + commandLine + "' should fail", r.failed());
        assertTrue("'" + commandLine + "' said: " + r.output(), r.output().contains(expectedMessagePart));
    }

    @Test
    public void createSendReceiveAndClose() throws Exception {
        MailboxInfo created = (MailboxInfo) executeOk("fos:create -c 100 /cmd/inbox");
        assertEquals(128, created.capacity());
        executeOk("fos:send /cmd/inbox greeting hello from the shell");
        executeOk("fos:send " + created.address() + " greeting by address");

        Message first = (Message) executeOk("fos:receive /cmd/inbox");
        assertEquals("greeting", first.type());
        assertEquals("hello from the shell", first.payload());
        Message second = (Message) executeOk("fos:receive -t 5000 " + created.address());
        assertEquals("by address", second.payload());
        assertFails("fos:receive -t 10 /cmd/inbox", "TIMEOUT");

        @SuppressWarnings("unchecked")
        List<MailboxInfo> boxes = (List<MailboxInfo>) executeOk("fos:mailboxes");
        MailboxInfo listed = boxes.stream().filter(m -> m.address().equals(created.address())).findFirst().orElseThrow();
        assertEquals(2, listed.sent());
        assertEquals(2, listed.received());
        assertTrue(execute("fos:mailboxes").output().contains("shell /cmd/inbox"));

        executeOk("fos:close /cmd/inbox");
        assertFails("fos:send /cmd/inbox greeting gone", "NO_SUCH_NAME");
    }

    @Test
    public void namesAndStatShowTheNode() throws Exception {
        waitFor("/test/echo to be registered", () -> !kernel.names().find("/test/echo").isEmpty());
        @SuppressWarnings("unchecked")
        List<NameEntry> all = (List<NameEntry>) executeOk("fos:names");
        assertTrue(all.stream().anyMatch(e -> e.name().equals("/test/echo")));
        @SuppressWarnings("unchecked")
        List<NameEntry> test = (List<NameEntry>) executeOk("fos:names /test");
        assertEquals(1, test.size());
        assertTrue(execute("fos:names").output().contains("/test/echo"));

        @SuppressWarnings("unchecked")
        Map<String, Object> stat = (Map<String, Object>) executeOk("fos:stat");
        assertEquals(kernel.nodeId(), stat.get("node"));
        assertTrue(((Number) stat.get("mailboxes")).intValue() >= 1);
        assertTrue(execute("fos:stat").output().contains("rejectedForged"));
    }

    @Test
    public void sendSpreadsOverAFleetBySelection() throws Exception {
        executeOk("fos:create /cmd/fleet");
        executeOk("fos:create /cmd/fleet");
        for (int i = 0; i < 4; i++) {
            executeOk("fos:send -s round-robin /cmd/fleet n " + i);
        }
        executeOk("fos:send -s key:alpha /cmd/fleet n keyed");
        executeOk("fos:send -s least-loaded /cmd/fleet n least");
        executeOk("fos:send --select local-first /cmd/fleet n local");
        @SuppressWarnings("unchecked")
        List<NameEntry> members = (List<NameEntry>) executeOk("fos:names /cmd/fleet");
        assertEquals(2, members.size());
        long total = 0;
        for (NameEntry member : members) {
            MailboxInfo info = kernel.mailboxes().stream().filter(m -> m.address().equals(member.address())).findFirst().orElseThrow();
            assertTrue("round robin reached " + member.address(), info.sent() >= 2);
            total += info.sent();
        }
        assertEquals(7, total);
        // taking by the name of two mailboxes could look in the one the message did not go to: the shell asks which
        String first = members.get(0).address().toString();
        String second = members.get(1).address().toString();
        assertFails("fos:receive /cmd/fleet", "2 mailboxes made with fos:create are registered under '/cmd/fleet' (");
        assertFails("fos:receive /cmd/fleet", first + " holds ");
        assertFails("fos:close /cmd/fleet", second + " holds ");
        Message byAddress = (Message) executeOk("fos:receive " + first);
        assertEquals("n", byAddress.type());
        executeOk("fos:close " + first);
        // one mailbox left under the name: taking by the name takes from it
        Message byName = (Message) executeOk("fos:receive /cmd/fleet");
        assertEquals(members.get(1).address(), byName.to().address());
    }

    @Test
    public void badArgumentsGetPreciseMessages() throws Exception {
        assertFails("fos:send nope greeting hi", "invalid address 'nope'");
        assertFails("fos:send /no/such/name greeting hi", "NO_SUCH_NAME: no member is registered under '/no/such/name'");
        assertFails("fos:send /bad//name greeting hi", "invalid name '/bad//name'");
        assertFails("fos:send n-x:abc greeting hi", "mailbox number 'abc' is not a number");
        assertFails("fos:send n-x:5 greeting hi", "was not made with fos:create");
        assertFails("fos:send -s sideways /test/echo greeting hi", "unknown selection 'sideways'");
        assertFails("fos:send -s key: /test/echo greeting hi", "key selection needs a key");
        assertFails("fos:send -t -1 /test/echo greeting hi", "timeout must not be negative, was -1");
        // arguments that fit none of a command's forms: its help, then Gogo's error
        assertFails("fos:send /test/echo", "fos:send: these arguments fit none of its forms, which are:\nsend - send a text message");
        assertFails("fos:send /test/echo", "[optional]\n   parameters:\n      String   a name such as /demo/inbox");
        assertFails("fos:send /test/echo", "\nCannot coerce send(");
        assertFails("fos:create -c 0 /cmd/zero", "capacity must be from 1 to");
        assertFails("fos:create -c many /cmd/zero", "fos:create: these arguments fit none of its forms, which are:\ncreate - ");
        assertFails("fos:create -c many /cmd/zero", "Cannot coerce");
        // a command's own refusal of its arguments is not followed by the forms
        CommandResult refused = execute("fos:names sys");
        assertTrue(refused.output(), refused.failed() && !refused.output().contains("forms"));
        assertFails("fos:create relative/name", "invalid name 'relative/name'");
        assertFails("fos:receive /test/echo", "no mailbox made with fos:create is registered under '/test/echo'");
        assertFails("fos:receive -t -5 /cmd/x", "timeout must not be negative");
        assertFails("fos:names sys", "invalid name 'sys'");
        assertFails("fos:close n-x:1", "was not made with fos:create");
        // the node keeps serving after all of that
        executeOk("fos:create /cmd/after");
        executeOk("fos:send /cmd/after ok still serving");
    }
}
