package org.fos.console.impl;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.owasp.encoder.Encode;

/**
 * Writes the HTML of the fos pages: every text that comes from the node (names, labels, versions,
 * error messages) is encoded for its context, so a fleet named {@code <script>} shows as text.
 */
final class Html {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final PrintWriter out;

    Html(PrintWriter out) {
        this.out = out;
    }

    /** Text, encoded for an element's content. */
    static String text(Object value) {
        return Encode.forHtml(value == null ? "" : String.valueOf(value));
    }

    /** Text, encoded for a quoted attribute value. */
    static String attr(Object value) {
        return Encode.forHtmlAttribute(value == null ? "" : String.valueOf(value));
    }

    /** An instant in UTC, to the second. */
    static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis)) + " UTC";
    }

    /** A byte count in binary units. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    Html raw(String html) {
        out.print(html);
        return this;
    }

    Html h2(String title) {
        out.print("<h2 class='fos-title'>" + text(title) + "</h2>");
        return this;
    }

    Html p(String cssClass, String text) {
        out.print("<p class='" + attr(cssClass) + "'>" + text(text) + "</p>");
        return this;
    }

    /** Opens a table with an id and a header row. */
    Html table(String id, String... headers) {
        out.print("<table id='" + attr(id) + "' class='tablesorter nicetable fos-table'><thead><tr>");
        for (String h : headers) {
            out.print("<th>" + text(h) + "</th>");
        }
        out.print("</tr></thead><tbody>");
        return this;
    }

    /** Opens a row that carries a key for tests and scripts ({@code data-key}). */
    Html row(String key) {
        out.print("<tr data-key='" + attr(key) + "'>");
        return this;
    }

    /** A cell with a column name ({@code data-col}) and encoded text. */
    Html cell(String column, Object value) {
        out.print("<td data-col='" + attr(column) + "'>" + text(value) + "</td>");
        return this;
    }

    /** A cell with a column name and HTML the caller has encoded. */
    Html cellHtml(String column, String html) {
        out.print("<td data-col='" + attr(column) + "'>" + html + "</td>");
        return this;
    }

    Html endRow() {
        out.print("</tr>");
        return this;
    }

    Html endTable() {
        out.print("</tbody></table>");
        return this;
    }

    /**
     * A chart of recent rates that the page's script draws and keeps current.
     *
     * @param id the chart's id
     * @param title what it shows
     * @param prefix the series it draws: every series whose name starts with this
     */
    Html chart(String id, String title, String prefix) {
        out.print("<div class='fos-chart' id='" + attr(id) + "' data-prefix='" + attr(prefix) + "'><div class='fos-chart-title'>"
                + text(title) + "</div><svg class='fos-chart-plot' viewBox='0 0 600 160' preserveAspectRatio='none'></svg>"
                + "<div class='fos-chart-legend'></div></div>");
        return this;
    }
}
