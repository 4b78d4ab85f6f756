package dev.sluice.tomcat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates an HttpSession (so Tomcat sets {@code JSESSIONID=ID.jvmRoute}) and answers
 * {@code node=NAME count=N session=ID}, N counting this session's requests from 1.
 */
final class SessionCounterServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String COUNT = "count";

    private final String node;

    SessionCounterServlet(String node) {
        this.node = node;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(true);
        AtomicInteger count = (AtomicInteger) session.getAttribute(COUNT);
        if (count == null) {
            count = new AtomicInteger();
            session.setAttribute(COUNT, count);
        }
        resp.setContentType("text/plain");
        resp.getWriter().write("node=" + node + " count=" + count.incrementAndGet() + " session=" + session.getId());
    }
}
