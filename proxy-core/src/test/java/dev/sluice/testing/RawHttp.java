package dev.sluice.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads HTTP/1.1 heads and responses byte by byte from a raw stream, so that nothing behind
 * the message (a pipelined request, WebSocket frames) is consumed with it.
 */
public final class RawHttp {
    /** Largest head accepted; a test talking to a broken peer fails instead of reading forever. */
    private static final int MAX_HEAD = 64 * 1024;

    private RawHttp() {
    }

    /** A start line and its header fields, in arrival order, names as sent. */
    public record Head(String startLine, List<String[]> fields) {
        /** First value of a header (case-insensitive name), if present. */
        public Optional<String> header(String name) {
            return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).findFirst();
        }

        public boolean has(String name) {
            return header(name).isPresent();
        }

        /** Status code of a response head. */
        public int status() {
            String[] parts = startLine.split(" ", 3);
            return Integer.parseInt(parts[1]);
        }

        /** Request target of a request head. */
        public String target() {
            return startLine.split(" ", 3)[1];
        }
    }

    /** A whole response: its head and its body (by Content-Length or chunked; empty when neither). */
    public record Response(Head head, byte[] body) {
        public int status() {
            return head.status();
        }

        public Optional<String> header(String name) {
            return head.header(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return head.startLine() + " " + bodyText();
        }
    }

    /** Reads up to and including CRLFCRLF; EOFException when the stream ends first. */
    public static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended inside an HTTP head after "
                        + buf.size() + " bytes: " + buf.toString(StandardCharsets.ISO_8859_1));
            }
            buf.write(b);
            if (buf.size() > MAX_HEAD) {
                throw new IOException("HTTP head longer than " + MAX_HEAD + " bytes");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = buf.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        List<String[]> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                fields.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
            }
        }
        return new Head(lines[0], List.copyOf(fields));
    }

    /** Reads a response head and then its body. A 101, 204 or 304 has no body. */
    public static Response readResponse(InputStream in) throws IOException {
        Head head = readHead(in);
        int status = head.status();
        if (status == 101 || status == 204 || status == 304) {
            return new Response(head, new byte[0]);
        }
        if (head.header("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false)) {
            return new Response(head, readChunked(in));
        }
        int length = head.header("Content-Length").map(Integer::parseInt).orElse(0);
        return new Response(head, in.readNBytes(length));
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailer fields are ignored
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("stream ended inside a chunked body");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** {@code s} as ISO-8859-1 bytes, the way heads go on the wire. */
    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Concatenates byte arrays, to put several messages into one socket write. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
