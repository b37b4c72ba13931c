package org.fos.console.impl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A fos page of the Felix Web Console (category {@value #CATEGORY}). The page is rendered on the
 * server from the node's services; its script ({@code res/fos-console.js}) draws the charts from
 * {@code <page>/rates.json} and refreshes them. The console's own authentication guards every
 * request before it reaches a page.
 */
abstract class FosPage extends AbstractServlet {
    private static final long serialVersionUID = 1L;

    /** The web console's navigation category of the fos pages. */
    static final String CATEGORY = "fos";
    /** Where a rate chart's series are served, below the page's own path. */
    static final String RATES = "/rates.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The data the page shows; transient: the console never serializes its servlets. */
    final transient ConsoleModel model;

    FosPage(ConsoleModel model) {
        this.model = model;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws jakarta.servlet.ServletException, IOException {
        String path = request.getPathInfo();
        if (path != null && path.endsWith(RATES)) {
            String prefix = request.getParameter("prefix");
            json(response, model.rates(prefix == null ? "" : prefix));
            return;
        }
        if (path != null && path.endsWith(".json")) {
            Object data = json(request, path.substring(path.lastIndexOf('/') + 1));
            if (data != null) {
                json(response, data);
                return;
            }
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no such data: " + path);
            return;
        }
        super.doGet(request, response);
    }

    /**
     * Returns data a page's script asks for, beside the rates.
     *
     * @param request the request
     * @param name the file asked for, such as {@code progress.json}
     * @return the data to send as JSON, or null if the page has no such data
     */
    Object json(HttpServletRequest request, String name) {
        return null;
    }

    static void json(HttpServletResponse response, Object data) throws IOException {
        byte[] body = JSON.writeValueAsBytes(data);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        setNoCache(response);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    public final void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrintWriter out = response.getWriter();
        String root = String.valueOf(request.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT));
        out.print("<link rel='stylesheet' href='" + Html.attr(root) + "/res/fos-console.css'>");
        out.print("<div class='fos-page' data-root='" + Html.attr(root) + "' data-node='" + Html.attr(model.nodeId()) + "'>");
        render(new Html(out), request, root);
        out.print("</div><script src='" + Html.attr(root) + "/res/fos-console.js'></script>");
    }

    /**
     * Writes the page's content.
     *
     * @param html where to write
     * @param request the request
     * @param root the page's own path, such as {@code /system/console/fos-cluster}
     * @throws IOException if writing fails
     */
    abstract void render(Html html, HttpServletRequest request, String root) throws IOException;
}
