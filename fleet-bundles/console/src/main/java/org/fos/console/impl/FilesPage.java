package org.fos.console.impl;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.fos.fleet.api.FleetInfo;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FsStats;
import org.fos.fs.api.GroupInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The file systems page: each file-system fleet this node runs, with its space as {@code fs:df}
 * shows it (asked of the fleet itself, as {@code fs:df} does), and each of its groups: the member
 * that owns it, its space, and its journal (blocks in use and transactions since the last
 * checkpoint), asked of the group's owner.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + FilesPage.LABEL,
        "felix.webconsole.title=File systems",
        "felix.webconsole.category=" + FosPage.CATEGORY})
public final class FilesPage extends FosPage {
    private static final long serialVersionUID = 1L;

    /** The page's label. */
    public static final String LABEL = "fos-files";

    /**
     * Creates the page.
     *
     * @param model what it shows
     */
    @Activate
    public FilesPage(@Reference ConsoleModel model) {
        super(model);
    }

    @Override
    void render(Html html, HttpServletRequest request, String root) {
        html.h2("File systems of " + model.nodeId());
        html.table("fos-filesystems", "fleet", "device", "block size", "size", "used", "free", "use %", "inodes", "free inodes", "groups",
                "largest free in one group");
        int count = 0;
        java.util.Map<String, FsStats> mounted = new java.util.LinkedHashMap<>();
        for (FleetInfo f : model.localFleets()) {
            if (!FileSystemFleet.class.getName().equals(f.protocol())) {
                continue;
            }
            count++;
            html.row(f.name()).cell("fleet", f.name());
            try {
                FsStats s = model.libfos().proxy(FileSystemFleet.class, f.name(), model.calls()).statfs().toCompletableFuture()
                        .get(model.calls().timeout().toMillis(), TimeUnit.MILLISECONDS);
                long size = s.totalBlocks() * s.blockSize();
                long free = s.freeBlocks() * s.blockSize();
                long use = size == 0 ? 0 : Math.round(100.0 * (size - free) / size);
                mounted.put(f.name(), s);
                html.cell("device", s.device()).cell("blockSize", s.blockSize()).cell("sizeBytes", size).cell("usedBytes", size - free)
                        .cell("freeBytes", free).cell("usePercent", use).cell("inodes", s.totalInodes()).cell("freeInodes", s.freeInodes())
                        .cell("groups", s.groups()).cell("largestFreeBytes", s.largestFreeBlocks() * s.blockSize());
            } catch (ExecutionException e) {
                html.cellHtml("error", "<span class='fos-error'>" + Html.text("did not answer: " + e.getCause().getMessage()) + "</span>");
            } catch (org.fos.fs.api.TryAgainException e) {
                html.cellHtml("error", "<span class='fos-error'>" + Html.text("busy (being upgraded): " + e.getMessage()) + "</span>");
            } catch (TimeoutException e) {
                html.cellHtml("error", "<span class='fos-error'>did not answer within " + model.calls().timeout().toMillis() + " ms</span>");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                html.cellHtml("error", "<span class='fos-error'>interrupted</span>");
            } catch (RuntimeException e) {
                html.cellHtml("error", "<span class='fos-error'>" + Html.text(e.getMessage()) + "</span>");
            }
            html.endRow();
        }
        html.endTable();
        if (count == 0) {
            html.p("fos-note", "This node runs no file-system fleet.");
        }
        groups(html, mounted);
        html.p("fos-note", "Sizes are in bytes, as fs:df shows them.");
    }

    /** Every group of each file system: its owner, space and journal, asked of the owners at once. */
    private void groups(Html html, java.util.Map<String, FsStats> mounted) {
        html.h2("Groups and their journals");
        html.table("fos-groups", "fleet", "group", "owner", "data blocks", "free blocks", "use %", "inodes", "free inodes", "journal blocks",
                "journal in use", "transactions since checkpoint", "next transaction");
        long deadline = System.nanoTime() + model.calls().timeout().toNanos();
        for (java.util.Map.Entry<String, FsStats> m : mounted.entrySet()) {
            FileSystemFleet fs = model.libfos().proxy(FileSystemFleet.class, m.getKey(), model.calls());
            java.util.List<java.util.concurrent.CompletableFuture<GroupInfo>> asked = new java.util.ArrayList<>();
            for (int g = 0; g < m.getValue().groups(); g++) {
                try {
                    asked.add(fs.groupInfo(g).toCompletableFuture());
                } catch (org.fos.fs.api.TryAgainException | RuntimeException e) {
                    asked.add(java.util.concurrent.CompletableFuture.failedFuture(e));
                }
            }
            for (int g = 0; g < asked.size(); g++) {
                html.row(m.getKey() + "#" + g).cell("fleet", m.getKey()).cell("group", g);
                try {
                    GroupInfo i = asked.get(g).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    long use = i.dataBlocks() == 0 ? 0 : Math.round(100.0 * (i.dataBlocks() - i.freeBlocks()) / i.dataBlocks());
                    html.cell("owner", i.owner()).cell("dataBlocks", i.dataBlocks()).cell("freeBlocks", i.freeBlocks()).cell("usePercent", use)
                            .cell("inodes", i.inodes()).cell("freeInodes", i.freeInodes()).cell("journalBlocks", i.journalBlocks())
                            .cell("journalUsedBlocks", i.journalUsedBlocks()).cell("journalTransactions", i.journalTransactions())
                            .cell("nextTransaction", i.nextTransaction());
                } catch (ExecutionException e) {
                    html.cellHtml("error", "<span class='fos-error'>" + Html.text("did not answer: " + e.getCause().getMessage()) + "</span>");
                } catch (TimeoutException e) {
                    html.cellHtml("error", "<span class='fos-error'>did not answer in time</span>");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    html.cellHtml("error", "<span class='fos-error'>interrupted</span>");
                }
                html.endRow();
            }
        }
        html.endTable();
    }
}
