package org.fos.itests.echo;

import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Status;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server made only of kernel calls: a mailbox registered under {@code /test/echo} and a thread
 * that answers every message on its reply capability with the same type and payload. It does not
 * close its mailbox when it stops: the kernel releases what a stopped bundle owns, and the tests
 * check that it does.
 */
@Component(immediate = true)
public final class EchoServer {
    private static final Logger LOG = LoggerFactory.getLogger(EchoServer.class);

    /** The name the server registers under. */
    public static final String NAME = "/test/echo";

    private final Kernel kernel;
    private final Mailbox mailbox;
    private final Thread loop;

    /**
     * Starts the server.
     *
     * @param kernel the kernel
     */
    @Activate
    public EchoServer(@Reference Kernel kernel) {
        this.kernel = kernel;
        this.mailbox = kernel.createMailbox("echo", 1024);
        kernel.names().register(NAME, kernel.narrow(mailbox.capability(), EnumSet.of(Right.SEND, Right.GRANT)), Map.of("version", "1"));
        this.loop = new Thread(this::serve, "echo-server");
        loop.start();
        LOG.info("echo server listening on {} as {}", NAME, mailbox.address());
    }

    private void serve() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                mailbox.drain(this::answer, 64, 1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.info("echo server stopped: {}", e.getMessage());
        }
    }

    private void answer(Message m) {
        if (m.replyTo() != null) {
            Status s = kernel.send(new Message(mailbox.address(), m.replyTo(), null, m.correlationId(), m.type(), m.payload()),
                    5, TimeUnit.SECONDS);
            if (s != Status.OK) {
                LOG.warn("echo reply to {} refused: {}", m.replyTo().address(), s);
            }
        }
    }

    @Deactivate
    void stop() throws InterruptedException {
        loop.interrupt();
        loop.join(10_000);
    }
}
