package org.fos.console.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.UpgradeReport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

/**
 * The upgrades page: the upgrade history of every node (outcome, pause, requests queued, rollbacks),
 * the progress of a rolling upgrade started here, node by node, and the action that starts one
 * from an uploaded jar.
 *
 * <p>Starting an upgrade takes two requests: the upload ({@code action=review}) checks the jar (a
 * bundle whose symbolic name is the fleet's implementation) and shows what would happen, changing
 * nothing; only the confirmation ({@code action=confirm}) with the one-time token of that review
 * starts it. A page of another site cannot learn the token, so it cannot start an upgrade in the
 * user's name. One upgrade runs at a time.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + UpgradesPage.LABEL,
        "felix.webconsole.title=Upgrades",
        "felix.webconsole.category=" + FosPage.CATEGORY})
public final class UpgradesPage extends FosPage {
    private static final long serialVersionUID = 1L;

    /** The page's label. */
    public static final String LABEL = "fos-upgrades";
    /** The largest jar the page takes, in bytes. */
    static final int MAX_JAR_BYTES = 64 << 20;
    private static final long REVIEW_MILLIS = 10 * 60_000;
    private static final int MAX_REVIEWS = 8;
    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(1);
    private static final String REVIEW_ATTRIBUTE = "fos.upgrade.review";
    private static final String ERROR_ATTRIBUTE = "fos.upgrade.error";

    /** An uploaded jar waiting for confirmation. */
    private record Review(String token, String fleet, String bundle, String version, String current, List<String> nodes, byte[] jar,
            long createdMillis) {
    }

    private final transient Map<String, Review> reviews = new LinkedHashMap<>();
    private final transient AtomicReference<UpgradeJob> job = new AtomicReference<>();
    private transient Thread worker;

    /**
     * Creates the page.
     *
     * @param model what it shows
     */
    @Activate
    public UpgradesPage(@Reference ConsoleModel model) {
        super(model);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = worker;
        }
        if (t != null) {
            t.join(NODE_TIMEOUT.toMillis()); // the runtime finishes or rolls back what it started
        }
    }

    @Override
    Object json(HttpServletRequest request, String name) {
        if (!"progress.json".equals(name)) {
            return null;
        }
        UpgradeJob j = job.get();
        return j == null ? Map.of("state", "NONE") : j.progress(model.cluster());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String root = String.valueOf(request.getAttribute(org.apache.felix.webconsole.servlet.ServletConstants.ATTR_PLUGIN_ROOT));
        try {
            String action = field(request, "action");
            if ("review".equals(action)) {
                request.setAttribute(REVIEW_ATTRIBUTE, review(request));
                return; // the console renders the page, which shows the review
            }
            if ("confirm".equals(action)) {
                start(take(field(request, "token")));
                response.sendRedirect(root);
                return;
            }
            if ("cancel".equals(action)) {
                take(field(request, "token"));
                response.sendRedirect(root);
                return;
            }
            throw new IllegalArgumentException("unknown action '" + action + "': use review, confirm or cancel");
        } catch (IllegalArgumentException | IllegalStateException e) {
            request.setAttribute(ERROR_ATTRIBUTE, e.getMessage());
        }
    }

    /** A form field, from a multipart or an ordinary form. */
    private static String field(HttpServletRequest request, String name) throws IOException, ServletException {
        String v = request.getParameter(name);
        if (v == null && isMultipart(request)) {
            Part p = request.getPart(name);
            if (p != null) {
                try (InputStream in = p.getInputStream()) {
                    v = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                }
            }
        }
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("the form has no " + name);
        }
        return v.strip();
    }

    private static boolean isMultipart(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/");
    }

    /** Checks an uploaded jar against the fleet it is meant for and keeps it for confirmation. */
    private Review review(HttpServletRequest request) throws IOException, ServletException {
        String fleet = field(request, "fleet");
        if (!isMultipart(request)) {
            throw new IllegalArgumentException("the jar must be uploaded as multipart/form-data");
        }
        Part part = request.getPart("jar");
        if (part == null || part.getSize() == 0) {
            throw new IllegalArgumentException("no jar was uploaded: choose the new version's bundle jar");
        }
        if (part.getSize() > MAX_JAR_BYTES) {
            throw new IllegalArgumentException("the jar is " + part.getSize() + " bytes; the console takes at most " + MAX_JAR_BYTES);
        }
        byte[] jar;
        try (InputStream in = part.getInputStream()) {
            jar = in.readNBytes(MAX_JAR_BYTES + 1);
        }
        Attributes manifest = manifest(jar, part.getSubmittedFileName());
        String bundle = manifest.getValue("Bundle-SymbolicName");
        String version = manifest.getValue("Bundle-Version");
        if (bundle == null || bundle.isBlank()) {
            throw new IllegalArgumentException(part.getSubmittedFileName() + " is a jar but not an OSGi bundle: its manifest has no Bundle-SymbolicName");
        }
        bundle = bundle.split(";", 2)[0].strip();
        version = version == null ? "0.0.0" : version.strip();
        List<String> nodes = new ArrayList<>();
        TreeSet<String> implementations = new TreeSet<>();
        TreeSet<String> versions = new TreeSet<>();
        for (ConsoleModel.NodeReport r : model.cluster()) {
            for (FleetInfo f : r.fleets()) {
                if (f.name().equals(fleet) && f.implementation() != null) {
                    nodes.add(r.node());
                    implementations.add(f.implementation());
                    versions.add(f.version());
                }
            }
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no node runs a fleet named " + fleet + " with an implementation bound");
        }
        if (!implementations.contains(bundle)) {
            throw new IllegalArgumentException(part.getSubmittedFileName() + " is bundle " + bundle + " " + version + ", but " + fleet
                    + " runs " + String.join(", ", implementations) + ": upload a version of that bundle");
        }
        Review r = new Review(UUID.randomUUID().toString(), fleet, bundle, version, String.join(", ", versions), List.copyOf(nodes), jar,
                System.currentTimeMillis());
        synchronized (reviews) {
            reviews.values().removeIf(x -> System.currentTimeMillis() - x.createdMillis() > REVIEW_MILLIS);
            while (reviews.size() >= MAX_REVIEWS) {
                reviews.remove(reviews.keySet().iterator().next());
            }
            reviews.put(r.token(), r);
        }
        return r;
    }

    /** The main attributes of a jar's manifest. */
    static Attributes manifest(byte[] jar, String fileName) throws IOException {
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest m = in.getManifest();
            if (m != null) {
                return m.getMainAttributes();
            }
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(fileName + " is not a jar: " + e.getMessage(), e);
        }
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            boolean any = false;
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                any = true;
                if (e.getName().equals("META-INF/MANIFEST.MF")) {
                    return new Manifest(in).getMainAttributes();
                }
            }
            throw new IllegalArgumentException(fileName + (any ? " is a jar without a manifest" : " is not a jar (no entries)"));
        }
    }

    private Review take(String token) {
        synchronized (reviews) {
            Review r = reviews.remove(token);
            if (r == null || System.currentTimeMillis() - r.createdMillis() > REVIEW_MILLIS) {
                throw new IllegalArgumentException("that review has expired or was already used: upload the jar again");
            }
            return r;
        }
    }

    private synchronized void start(Review r) {
        UpgradeJob running = job.get();
        if (running != null && running.running()) {
            throw new IllegalStateException("the upgrade of " + running.fleet + " to " + running.version + " is still running");
        }
        UpgradeJob j = new UpgradeJob(r.fleet(), r.bundle(), r.version(), model.cluster());
        job.set(j);
        worker = new Thread(() -> j.run(model.runtime(), r.jar(), NODE_TIMEOUT), "fos-console-upgrade " + r.fleet());
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    void render(Html html, HttpServletRequest request, String root) {
        Object error = request.getAttribute(ERROR_ATTRIBUTE);
        if (error != null) {
            html.raw("<p id='fos-upgrade-error' class='fos-error'>" + Html.text(error) + "</p>");
        }
        Object pending = request.getAttribute(REVIEW_ATTRIBUTE);
        List<ConsoleModel.NodeReport> cluster = model.cluster();
        if (pending instanceof Review r) {
            renderReview(html, r, root);
        }
        renderProgress(html, cluster);
        renderForm(html, cluster, root);
        renderHistory(html, cluster);
    }

    private static void renderReview(Html html, Review r, String root) {
        html.raw("<div id='fos-upgrade-review' class='fos-review'><h2 class='fos-title'>Confirm the upgrade</h2><p>Replace "
                + Html.text(r.fleet()) + " (" + Html.text(r.bundle()) + " " + Html.text(r.current()) + ") with version <b>"
                + Html.text(r.version()) + "</b> on " + r.nodes().size() + " node(s), one at a time, " + Html.text(r.nodes().get(0))
                + " first as the canary: " + Html.text(String.join(", ", r.nodes()))
                + ". Requests queue while a node switches; a failure stops the upgrade and puts the previous version back.</p>"
                + "<form method='post' action='" + Html.attr(root) + "'><input type='hidden' name='token' value='" + Html.attr(r.token()) + "'>"
                + "<button type='submit' name='action' value='confirm' id='fos-upgrade-confirm'>Upgrade " + Html.text(r.fleet()) + " to "
                + Html.text(r.version()) + "</button> <button type='submit' name='action' value='cancel' id='fos-upgrade-cancel'>Cancel</button>"
                + "</form></div>");
    }

    private void renderProgress(Html html, List<ConsoleModel.NodeReport> cluster) {
        UpgradeJob j = job.get();
        html.h2("Rolling upgrade");
        if (j == null) {
            html.raw("<div id='fos-rolling-summary' data-state='NONE'>No upgrade was started from this console since the node started"
                    + " (the history below has every upgrade, from the shell too).</div>");
            return;
        }
        Map<String, Object> p = j.progress(cluster);
        html.raw("<div id='fos-rolling-summary' data-state='" + Html.attr(p.get("state")) + "'>" + Html.text(j.fleet) + " to "
                + Html.text(j.bundle) + " " + Html.text(j.version) + ", started " + Html.text(p.get("started")) + ": <b class='fos-state'>"
                + Html.text(p.get("state")) + "</b> <span class='fos-detail'>" + Html.text(p.get("detail")) + "</span></div>");
        html.table("fos-rolling", "node", "version before", "version now", "status", "step", "pause (ms)");
        for (Object o : (List<?>) p.get("nodes")) {
            UpgradeJob.NodeProgress n = (UpgradeJob.NodeProgress) o;
            html.row(n.node()).cell("node", n.node()).cell("before", n.before()).cell("version", n.version()).cell("status", n.status())
                    .cell("step", n.step()).cell("pause", n.pauseMillis() < 0 ? "" : String.format(java.util.Locale.ROOT, "%.1f", n.pauseMillis()))
                    .endRow();
        }
        html.endTable();
    }

    private static void renderForm(Html html, List<ConsoleModel.NodeReport> cluster, String root) {
        TreeSet<String> fleets = new TreeSet<>();
        for (ConsoleModel.NodeReport r : cluster) {
            for (FleetInfo f : r.fleets()) {
                if (f.implementation() != null) {
                    fleets.add(f.name());
                }
            }
        }
        StringBuilder options = new StringBuilder();
        for (String f : fleets) {
            options.append("<option value='").append(Html.attr(f)).append("'>").append(Html.text(f)).append("</option>");
        }
        html.h2("Upgrade a fleet");
        html.raw("<form id='fos-upgrade-form' method='post' enctype='multipart/form-data' action='" + Html.attr(root) + "'>"
                + "<input type='hidden' name='action' value='review'>"
                + "<label>Fleet <select name='fleet' id='fos-upgrade-fleet'>" + options + "</select></label> "
                + "<label>New version (bundle jar) <input type='file' name='jar' id='fos-upgrade-jar' accept='.jar'></label> "
                + "<button type='submit' id='fos-upgrade-review'>Review</button>"
                + "<p class='fos-note'>Nothing changes until you confirm the review that follows.</p></form>");
    }

    private static void renderHistory(Html html, List<ConsoleModel.NodeReport> cluster) {
        record Row(String node, UpgradeReport report) {
        }
        List<Row> rows = new ArrayList<>();
        for (ConsoleModel.NodeReport r : cluster) {
            if (r.error() != null) {
                html.p("fos-error", "node " + r.node() + " did not answer: " + r.error());
            }
            for (UpgradeReport u : r.upgrades()) {
                rows.add(new Row(r.node(), u));
            }
        }
        rows.sort(Comparator.comparingLong((Row x) -> x.report().atMillis()).reversed());
        html.h2("History (newest first)");
        html.table("fos-upgrade-history", "when", "node", "fleet", "from", "to", "outcome", "pause (ms)", "requests queued", "detail");
        int i = 0;
        for (Row row : rows) {
            UpgradeReport u = row.report();
            html.row(row.node() + "/" + (i++)).cell("at", Html.time(u.atMillis())).cell("node", row.node()).cell("fleet", u.fleet())
                    .cell("from", u.from()).cell("to", u.to()).cell("outcome", u.outcome())
                    .cell("pause", String.format(java.util.Locale.ROOT, "%.1f", u.pauseNanos() / 1e6)).cell("queued", u.queued())
                    .cell("detail", u.detail()).endRow();
        }
        html.endTable();
        if (rows.isEmpty()) {
            html.p("fos-note", "No fleet has been upgraded on any node since it started.");
        }
    }
}
