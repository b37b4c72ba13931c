package org.fos.console.impl;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.fos.fleet.api.FleetInfo;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FsStats;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The file systems page: each file-system fleet this node runs, with its space as {@code fs:df}
 * shows it (asked of the fleet itself, as {@code fs:df} does).
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
        html.p("fos-note", "Sizes are in bytes, as fs:df shows them.");
    }
}
