package dev.sluice.tomcat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Answers what the application sees of its client and of the request's path (as sent, and
 * decoded and normalised as Tomcat maps it), one {@code key=value} a line.
 */
final class ClientViewServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().write("remoteAddr=" + req.getRemoteAddr()
                + "\nscheme=" + req.getScheme()
                + "\nsecure=" + req.isSecure()
                + "\nserverName=" + req.getServerName()
                + "\nserverPort=" + req.getServerPort()
                + "\nrequestUri=" + req.getRequestURI()
                + "\npath=" + req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo())
                + "\nquery=" + req.getQueryString()
                + "\n");
    }
}
