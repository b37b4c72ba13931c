package org.fos.console.impl;

import java.util.List;
import java.util.TreeMap;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.GroupInfo;
import org.fos.fleet.api.MemberInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The fleets page: every fleet on every node, as {@code fos:fleets} lists them (implementation,
 * version, status, and each member's queue depth, served and failed counts), the recent call
 * rates of this node's fleets, and the Raft groups of its replicated fleets with their leaders.
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

        groups(html, model.runtime().groups());
    }

    /**
     * The groups of this node's replicated fleets as this node sees them, as {@code fos:groups}
     * lists them: peers, leader, this node's role, term, commit, applied and snapshot index, and on
     * the leader each follower's lag; and the rate at which each group commits.
     */
    private void groups(Html html, List<GroupInfo> groups) {
        html.h2("Replicated groups, as " + model.nodeId() + " sees them");
        if (groups.isEmpty()) {
            html.p("fos-note", "No replicated fleet runs on this node, so it keeps no Raft group.");
            return;
        }
        html.table("fos-groups", "fleet", "group", "peers", "leader", "role here", "term", "commit index", "applied index",
                "snapshot index", "lag (entries, on the leader)");
        for (GroupInfo g : groups) {
            StringBuilder lag = new StringBuilder();
            new TreeMap<>(g.lag()).forEach((node, entries) -> lag.append(lag.length() == 0 ? "" : ", ").append(node).append('=').append(entries));
            html.row(g.fleet() + "#" + g.group()).cell("fleet", g.fleet()).cell("group", g.group())
                    .cell("peers", String.join(", ", g.peers())).cell("leader", g.leader() == null ? "none" : g.leader())
                    .cell("role", g.role()).cell("term", g.term()).cell("commitIndex", g.commitIndex())
                    .cell("appliedIndex", g.appliedIndex()).cell("snapshotIndex", g.snapshotIndex()).cell("lag", lag).endRow();
        }
        html.endTable();
        html.chart("fos-chart-commits", "Log entries committed per second, by group (as this node knows them)", ConsoleModel.COMMITS);
    }
}
