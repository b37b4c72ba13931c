package org.fos.console.impl;

import java.util.Map;

import org.fos.kernel.api.KernelStats;
import org.fos.kernel.api.LinkInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The cluster page: the nodes (what each publishes, this node's link to it and the transport that
 * carries it), the transports with their cost to each node, this node's kernel counters, and the
 * recent message rates of the links.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + ClusterPage.LABEL,
        "felix.webconsole.title=Cluster",
        "felix.webconsole.category=" + FosPage.CATEGORY})
public final class ClusterPage extends FosPage {
    private static final long serialVersionUID = 1L;

    /** The page's label: its path below the console's root. */
    public static final String LABEL = "fos-cluster";

    /**
     * Creates the page.
     *
     * @param model what it shows
     */
    @Activate
    public ClusterPage(@Reference ConsoleModel model) {
        super(model);
    }

    @Override
    void render(Html html, HttpServletRequest request, String root) {
        html.h2("Nodes (seen from " + model.nodeId() + ")");
        html.table("fos-nodes", "node", "this node", "transport endpoint", "console", "route", "sent", "unacknowledged",
                "retransmitted", "delivered", "duplicates", "out of order", "deferred");
        for (ConsoleModel.NodeRow n : model.nodes()) {
            LinkInfo l = n.link();
            Map<String, String> a = n.attributes();
            String console = a.get(ConsoleModel.CONSOLE_ATTRIBUTE);
            html.row(n.node()).cell("node", n.node()).cell("local", n.local() ? "yes" : "")
                    .cell("tcp", a.getOrDefault("tcp", ""))
                    .cellHtml("console", console == null ? "" : "<a href='" + Html.attr(console) + "/" + LABEL + "'>" + Html.text(console) + "</a>")
                    .cell("route", n.local() ? "in-node" : n.transport() == null ? "none" : n.transport())
                    .cell("sent", l == null ? "" : l.sent()).cell("unacknowledged", l == null ? "" : l.unacknowledged())
                    .cell("retransmitted", l == null ? "" : l.retransmitted()).cell("delivered", l == null ? "" : l.delivered())
                    .cell("duplicates", l == null ? "" : l.duplicates()).cell("outOfOrder", l == null ? "" : l.outOfOrder())
                    .cell("deferred", l == null ? "" : l.deferred()).endRow();
        }
        html.endTable();
        html.chart("fos-chart-links", "Messages sent per second, by link", "link.sent ");

        html.h2("Transports");
        html.table("fos-transports", "transport", "bundle", "cost to each node (negative: does not reach it)");
        for (ConsoleModel.TransportRow t : model.transports()) {
            html.row(t.name()).cell("name", t.name()).cell("bundle", t.bundle()).cell("costs", t.costs().isEmpty() ? "no other node" : t.costs())
                    .endRow();
        }
        html.endTable();

        html.table("fos-traffic", "transport", "peer", "connected", "frames in", "frames out", "bytes in", "bytes out", "queued bytes");
        for (ConsoleModel.TrafficRow t : model.traffic()) {
            html.row(t.transport() + "/" + t.peer().node()).cell("transport", t.transport()).cell("peer", t.peer().node())
                    .cell("connected", t.peer().connected() ? "yes" : "no").cell("framesIn", t.peer().framesIn())
                    .cell("framesOut", t.peer().framesOut()).cell("bytesIn", t.peer().bytesIn()).cell("bytesOut", t.peer().bytesOut())
                    .cell("queuedBytes", t.peer().queuedBytes()).endRow();
        }
        html.endTable();
        html.chart("fos-chart-bytes-out", "Bytes sent per second, by peer and transport", "bytes.out ");

        KernelStats s = model.stats();
        html.h2("Kernel of " + s.nodeId());
        html.table("fos-kernel", "mailboxes", "mailboxes created", "sent", "received", "forwarded", "capabilities", "names");
        html.row(s.nodeId()).cell("mailboxes", s.mailboxes()).cell("mailboxesCreated", s.mailboxesCreated()).cell("sent", s.sent())
                .cell("received", s.received()).cell("forwarded", s.forwarded()).cell("capabilities", s.capabilities())
                .cell("names", s.names()).endRow().endTable();
        html.chart("fos-chart-kernel", "Kernel messages per second", "kernel.");
    }
}
