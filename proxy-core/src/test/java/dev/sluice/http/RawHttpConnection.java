package dev.sluice.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One client TCP connection speaking HTTP/1.1 by hand, for tests where the exact bytes matter
 * (a custom Host, hop-by-hop headers, HEAD framing, keep-alive). Every read times out after
 * 10 seconds, so a proxy that buffers or hangs fails the test instead of stalling it.
 */
final class RawHttpConnection implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_LINE = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    static RawHttpConnection open(int port) throws IOException {
        return new RawHttpConnection(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** {@code METHOD target HTTP/1.1} plus the header lines and the blank line, as wire text. */
    static String head(String method, String target, String... headerLines) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one whole response to a request that was not HEAD. */
    RawHttpResponse readResponse() throws IOException {
        return readResponse(false);
    }

    /** Reads one whole response; after HEAD no body follows whatever the headers say. */
    RawHttpResponse readResponse(boolean toHead) throws IOException {
        Head head = readHead();
        byte[] body = toHead ? new byte[0] : body(head).readAllBytes();
        return new RawHttpResponse(head.status(), head.headerLines(), body);
    }

    /** Reads a status line and header block, skipping any 1xx interim responses except 101. */
    Head readHead() throws IOException {
        while (true) {
            String statusLine = readLine();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
            }
            int status = Integer.parseInt(parts[1]);
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: '" + line + "'");
                }
                headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
            }
            Head head = new Head(status, headers);
            if (status >= 200 || status == 101) {
                return head;
            }
        }
    }

    /**
     * The body of a response whose head was just read, framed as RFC 9112 §6.3 says: none for
     * 1xx/204/304, chunked, Content-Length, or until the server closes. Read it as it streams in.
     */
    InputStream body(Head head) throws IOException {
        int status = head.status();
        if (status < 200 || status == 204 || status == 304) {
            return InputStream.nullInputStream();
        }
        String transferEncoding = head.header("Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase().contains("chunked")) {
            return new ChunkedBody();
        }
        String contentLength = head.header("Content-Length");
        if (contentLength != null) {
            return new FixedLengthBody(Long.parseLong(contentLength.trim()));
        }
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("connection closed after '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
            }
            if (line.size() > MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** Status and header lines of a response, before its body. */
    record Head(int status, List<Map.Entry<String, String>> headerLines) {
        String header(String name) {
            return headerLines.stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
    }

    private final class FixedLengthBody extends InputStream {
        private long remaining;

        FixedLengthBody(long length) {
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n == -1) {
                throw new EOFException("connection closed with " + remaining + " body bytes still expected");
            }
            remaining -= n;
            return n;
        }
    }

    private final class ChunkedBody extends InputStream {
        private long chunkRemaining;
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkRemaining == 0) {
                String sizeLine = readLine();
                int extension = sizeLine.indexOf(';');
                chunkRemaining = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
                if (chunkRemaining == 0) {
                    while (!readLine().isEmpty()) {
                        // trailer fields: not used by these tests
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(buffer, offset, (int) Math.min(length, chunkRemaining));
            if (n == -1) {
                throw new EOFException("connection closed inside a chunk");
            }
            chunkRemaining -= n;
            if (chunkRemaining == 0 && !readLine().isEmpty()) {
                throw new IOException("chunk data not followed by CRLF");
            }
            return n;
        }
    }
}
