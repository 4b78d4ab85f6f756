package dev.sluice.tomcat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Large bodies without holding them: {@code POST} reads the upload as it comes and answers
 * {@code bytes=N crc=HEX}; {@code GET ?bytes=N} writes N bytes of {@link #block} stamped with
 * their block index. Both count what went through so far, for a test to watch the stream move.
 */
final class BulkServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final int BLOCK = 64 * 1024;

    private final transient AtomicLong received;
    private final transient AtomicLong sent;

    BulkServlet(AtomicLong received, AtomicLong sent) {
        this.received = received;
        this.sent = sent;
    }

    /** Block {@code index} of every bulk body: a fixed pattern with the index in its first four bytes. */
    static byte[] block(long index) {
        byte[] b = new byte[BLOCK];
        for (int i = 4; i < BLOCK; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        b[0] = (byte) (index >>> 24);
        b[1] = (byte) (index >>> 16);
        b[2] = (byte) (index >>> 8);
        b[3] = (byte) index;
        return b;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[BLOCK];
        long total = 0;
        try (InputStream in = req.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                total += n;
                received.addAndGet(n);
            }
        }
        resp.setContentType("text/plain");
        resp.getWriter().write("bytes=" + total + " crc=" + Long.toHexString(crc.getValue()));
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long bytes = Long.parseLong(req.getParameter("bytes"));
        resp.setContentType("application/octet-stream");
        resp.setContentLengthLong(bytes);
        OutputStream out = resp.getOutputStream();
        for (long index = 0; index * BLOCK < bytes; index++) {
            int n = (int) Math.min(BLOCK, bytes - index * BLOCK);
            out.write(block(index), 0, n);
            sent.addAndGet(n);
        }
    }
}
