package org.fos.console.impl;

import java.util.Map;

import org.fos.kernel.api.KernelStats;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Status;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The mailboxes page: this node's mailboxes as {@code fos:mailboxes} lists them, the kernel's
 * rejections by named error as {@code fos:stat} counts them, and the recent rates of messages and
 * rejections.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + MailboxesPage.LABEL,
        "felix.webconsole.title=Mailboxes",
        "felix.webconsole.category=" + FosPage.CATEGORY})
public final class MailboxesPage extends FosPage {
    private static final long serialVersionUID = 1L;

    /** The page's label. */
    public static final String LABEL = "fos-mailboxes";

    /**
     * Creates the page.
     *
     * @param model what it shows
     */
    @Activate
    public MailboxesPage(@Reference ConsoleModel model) {
        super(model);
    }

    @Override
    void render(Html html, HttpServletRequest request, String root) {
        KernelStats s = model.stats();
        html.h2("Mailboxes of " + s.nodeId());
        html.table("fos-mailboxes", "address", "label", "owner", "capacity", "queued", "sent", "received", "refused: full",
                "refused: capability");
        for (MailboxInfo m : model.mailboxes()) {
            html.row(m.address().toString()).cell("address", m.address()).cell("label", m.label())
                    .cell("owner", model.bundleName(m.ownerBundleId()) + " (" + m.ownerBundleId() + ")").cell("capacity", m.capacity())
                    .cell("depth", m.depth()).cell("sent", m.sent()).cell("received", m.received()).cell("rejectedFull", m.rejectedFull())
                    .cell("rejectedCapability", m.rejectedCapability()).endRow();
        }
        html.endTable();
        html.chart("fos-chart-kernel", "Messages and rejections per second on this node", "kernel.");

        html.h2("Rejections by named error");
        html.table("fos-rejections", "error", "count", "what it means");
        for (Map.Entry<Status, Long> e : s.rejections().entrySet()) {
            html.row(e.getKey().name()).cell("status", e.getKey().name()).cell("count", e.getValue()).cell("meaning", meaning(e.getKey()))
                    .endRow();
        }
        html.endTable();
    }

    private static String meaning(Status s) {
        return switch (s) {
            case FULL -> "a mailbox was full and the send did not wait";
            case TIMEOUT -> "a mailbox stayed full (or empty) until the timeout";
            case CLOSED -> "the mailbox had been closed";
            case FORGED -> "a capability the kernel never issued";
            case REVOKED -> "a revoked capability";
            case NO_RIGHT -> "a capability without the right the operation needs";
            case WIDENING -> "narrowing asked for more rights";
            case NO_ROUTE -> "no transport reaches the destination's node";
            case NO_SUCH_NAME -> "no member under the name";
            case UNAVAILABLE -> "the name store did not answer";
            case CODEC_ERROR -> "a payload that could not cross the wire";
            case INTERRUPTED -> "a waiting thread was interrupted";
            default -> "see docs/kernel.md";
        };
    }
}
