package org.fos.itests.pinger.impl;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.fos.itests.pinger.Pinger;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Pings through a reply mailbox of its own for each call. */
@Component
public final class PingerImpl implements Pinger {
    private final Kernel kernel;

    /**
     * Creates the pinger.
     *
     * @param kernel the kernel
     */
    @Activate
    public PingerImpl(@Reference Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public List<String> ping(String name, int count, long timeoutMillis) throws InterruptedException {
        try (Mailbox replies = kernel.createMailbox("pinger replies", Math.max(2, count))) {
            Capability replyTo = kernel.narrow(replies.capability(), EnumSet.of(Right.SEND));
            for (int i = 0; i < count; i++) {
                Capability to = kernel.names().resolve(name, Selection.ROUND_ROBIN);
                Status s = kernel.send(new Message(replies.address(), to, replyTo, i, "ping", "ping-" + i), 5, TimeUnit.SECONDS);
                if (s != Status.OK) {
                    throw new KernelException(s, "ping " + i + " to " + name + " refused");
                }
            }
            List<String> answers = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (answers.size() < count) {
                Message m = replies.receive(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (m == null) {
                    break;
                }
                answers.add((String) m.payload());
            }
            return answers;
        }
    }
}
