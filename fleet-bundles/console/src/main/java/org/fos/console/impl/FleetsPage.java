package org.fos.console.impl;

import java.util.List;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.MemberInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The fleets page: every fleet on every node, as {@code fos:fleets} lists them (implementation,
 * version, status, and each member's queue depth, served and failed counts), and the recent call
 * rates of this node's fleets.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + FleetsPage.LABEL,
        "felix.webconsole.title=Fleets",
        "felix.webconsole.category=" + FosPage.CATEGORY})
public final class FleetsPage extends FosPage {
    private static final long serialVersionUID = 1L;

    /** The page's label. */
    public static final String LABEL = "fos-fleets";

    /**
     * Creates the page.
     *
     * @param model what it shows
     */
    @Activate
    public FleetsPage(@Reference ConsoleModel model) {
        super(model);
    }

    @Override
    void render(Html html, HttpServletRequest request, String root) {
        List<ConsoleModel.NodeReport> cluster = model.cluster();
        html.h2("Fleets");
        for (ConsoleModel.NodeReport r : cluster) {
            if (r.error() != null) {
                html.p("fos-error", "node " + r.node() + " did not answer: " + r.error());
            }
        }
        html.table("fos-fleets", "fleet", "node", "protocol", "implementation", "version", "status", "members", "queued", "served",
                "failed");
        for (ConsoleModel.NodeReport r : cluster) {
            for (FleetInfo f : r.fleets()) {
                int depth = 0;
                long failed = 0;
                for (MemberInfo m : f.members()) {
                    depth += m.depth();
                    failed += m.failed();
                }
                html.row(f.name() + "@" + f.node()).cell("fleet", f.name()).cell("node", f.node()).cell("protocol", f.protocol())
                        .cell("implementation", f.implementation() == null ? "none bound" : f.implementation())
                        .cell("version", f.version() == null ? "" : f.version()).cell("status", f.status())
                        .cell("members", f.members().size()).cell("depth", depth).cell("served", f.served()).cell("failed", failed)
                        .endRow();
            }
        }
        html.endTable();

        html.h2("Members");
        html.table("fos-members", "fleet", "node", "member", "mailbox", "queued", "served", "failed");
        for (ConsoleModel.NodeReport r : cluster) {
            for (FleetInfo f : r.fleets()) {
                for (MemberInfo m : f.members()) {
                    html.row(f.name() + "#" + m.index() + "@" + f.node()).cell("fleet", f.name()).cell("node", f.node())
                            .cell("index", m.index()).cell("address", m.address()).cell("depth", m.depth()).cell("served", m.served())
                            .cell("failed", m.failed()).endRow();
                }
            }
        }
        html.endTable();
        html.chart("fos-chart-served", "Requests served per second by this node's members, by fleet", "fleet.served ");
        html.chart("fos-chart-failed", "Failed dispatches per second on this node, by fleet", "fleet.failed ");

        html.h2("Replicated groups");
        html.p("fos-note", "The fleet runtime of this version reports no replicated groups: fleet state is not kept in Raft groups"
                + " yet, so there are no groups or leaders to show.");
    }
}
