package dev.sluice.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 as bytes on a raw stream: the one parser for request and response heads, and readers
 * that take a head or a body off a stream byte-exactly, so that whatever follows the message (a
 * pipelined request, WebSocket frames, the next response) stays unread. Wire text is ISO-8859-1.
 * {@link RawPeer} uses these on its socket; they work on any {@link InputStream}.
 */
public final class RawHttp {
    /** Largest head accepted; a test talking to a broken peer fails instead of reading forever. */
    private static final int MAX_HEAD = 64 * 1024;
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private RawHttp() {
    }

    /**
     * A request or response head as it came off the wire: its text (up to and including the blank
     * line), its start line, and its header fields in arrival order with names as sent.
     */
    public record Head(String text, String startLine, List<Map.Entry<String, String>> fields) {

        public Head {
            fields = List.copyOf(fields);
        }

        /** Parses head text; a header line without a colon is malformed. */
        static Head parse(String text) throws ProtocolException {
            String[] lines = text.split("\r\n");
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    throw new ProtocolException("malformed header line '" + lines[i] + "' in:\n" + text);
                }
                fields.add(Map.entry(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
            }
            return new Head(text, lines[0], fields);
        }

        /** Status code of a response head; an AssertionError when this is not an HTTP/1.x response. */
        public int status() {
            String[] parts = startLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new AssertionError("not an HTTP/1.x response head: " + text);
            }
            return Integer.parseInt(parts[1]);
        }

        /** Method of a request head. */
        public String method() {
            return startLine.split(" ", 3)[0];
        }

        /** Request target of a request head, as sent. */
        public String target() {
            return startLine.split(" ", 3)[1];
        }

        /** First value of the header (name case-insensitive), or null when absent. */
        public String header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? null : values.get(0);
        }

        /** The header's value; an AssertionError naming the head when it is absent. */
        public String requireHeader(String name) {
            String value = header(name);
            if (value == null) {
                throw new AssertionError("no " + name + " header in:\n" + text);
            }
            return value;
        }

        /** Every value of the header, one per header line, in arrival order. */
        public List<String> headers(String name) {
            return fields.stream().filter(f -> f.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        public boolean has(String name) {
            return header(name) != null;
        }

        /** The Content-Length value, 0 when there is none. */
        public int contentLength() {
            String value = header("Content-Length");
            return value == null ? 0 : Integer.parseInt(value);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A whole response: its head, its body after transfer decoding, and the trailer fields of a chunked one. */
    public record Response(Head head, byte[] body, List<Map.Entry<String, String>> trailers) {
        public Response {
            trailers = List.copyOf(trailers);
        }

        public int status() {
            return head.status();
        }

        /** First value of the trailer field (name case-insensitive), or null when absent. */
        public String trailer(String name) {
            return trailers.stream().filter(f -> f.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        public String header(String name) {
            return head.header(name);
        }

        public List<String> headers(String name) {
            return head.headers(name);
        }

        public boolean has(String name) {
            return head.has(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return head.text() + "(" + body.length + " body bytes) " + bodyText();
        }
    }

    /** {@code METHOD target HTTP/1.1}, the header lines and the blank line, as wire text. */
    public static String request(String method, String target, String... headerLines) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** Reads a head up to and including its blank line; EOFException when the stream ends first. */
    public static Head readHead(InputStream in) throws IOException {
        Head head = readHeadOrNull(in);
        if (head == null) {
            throw new EOFException("stream ended before any byte of an HTTP head");
        }
        return head;
    }

    /** {@link #readHead}, or null when the stream ends before the head's first byte. */
    public static Head readHeadOrNull(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < END_OF_HEAD.length) {
            int b = in.read();
            if (b < 0 && head.size() == 0) {
                return null;
            }
            if (b < 0) {
                throw new EOFException("stream ended after " + head.size() + " bytes of an HTTP head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new ProtocolException("HTTP head longer than " + MAX_HEAD + " bytes");
            }
            matched = b == END_OF_HEAD[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return Head.parse(head.toString(StandardCharsets.ISO_8859_1));
    }

    /** Reads a response head and its whole body; after a HEAD request ({@code toHead}) no body follows. */
    public static Response readResponse(InputStream in, boolean toHead) throws IOException {
        Head head = readHead(in);
        if (toHead) {
            return new Response(head, new byte[0], List.of());
        }
        InputStream body = body(head, in);
        return new Response(head, body.readAllBytes(), trailers(body));
    }

    /**
     * The trailer fields (RFC 9112 §7.1.2) of a body from {@link #body} or {@link #requestBody}
     * read to its end, in arrival order with names as sent; none for a body that is not chunked.
     */
    public static List<Map.Entry<String, String>> trailers(InputStream body) {
        if (body instanceof ChunkedBody chunked) {
            if (!chunked.done) {
                throw new IllegalStateException("the chunked body is not read to its end yet");
            }
            return List.copyOf(chunked.trailers);
        }
        return List.of();
    }

    /**
     * The body of a response whose head was just read from {@code in}, framed as RFC 9112 §6.3
     * says: none for 1xx/204/304, chunked, Content-Length, or until the server closes. Read it as
     * it streams in; it ends exactly at the body's end.
     */
    public static InputStream body(Head head, InputStream in) {
        int status = head.status();
        if (status < 200 || status == 204 || status == 304) {
            return InputStream.nullInputStream();
        }
        return framed(head, in, in);
    }

    /** The body of a request whose head was just read from {@code in}: chunked, Content-Length, or none. */
    public static InputStream requestBody(Head head, InputStream in) {
        return framed(head, in, InputStream.nullInputStream());
    }

    /** A chunked or Content-Length body; {@code unframed} when the head declares neither. */
    private static InputStream framed(Head head, InputStream in, InputStream unframed) {
        String transferEncoding = head.header("Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedBody(in);
        }
        String contentLength = head.header("Content-Length");
        if (contentLength != null) {
            return new FixedLengthBody(in, Long.parseLong(contentLength));
        }
        return unframed;
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

    /** One CRLF- (or LF-) terminated line without its terminator; EOFException when the stream ends first. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("stream ended after '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
            }
            if (line.size() > MAX_HEAD) {
                throw new ProtocolException("line longer than " + MAX_HEAD + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** A body read off the underlying stream, ending where the framing says (-1) and not a byte later. */
    private abstract static class Body extends InputStream {
        final InputStream in;

        Body(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }
    }

    private static final class FixedLengthBody extends Body {
        private long remaining;

        FixedLengthBody(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n == -1) {
                throw new EOFException("stream ended with " + remaining + " body bytes still expected");
            }
            remaining -= n;
            return n;
        }
    }

    private static final class ChunkedBody extends Body {
        private final List<Map.Entry<String, String>> trailers = new ArrayList<>();
        private long chunkRemaining;
        private boolean done;

        ChunkedBody(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkRemaining == 0) {
                String sizeLine = readLine(in);
                int extension = sizeLine.indexOf(';');
                chunkRemaining = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
                if (chunkRemaining == 0) {
                    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                        int colon = line.indexOf(':');
                        if (colon > 0) { // a line without a name is a hostile peer's; the body still ends here
                            trailers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
                        }
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(buffer, offset, (int) Math.min(length, chunkRemaining));
            if (n == -1) {
                throw new EOFException("stream ended inside a chunk");
            }
            chunkRemaining -= n;
            if (chunkRemaining == 0 && !readLine(in).isEmpty()) {
                throw new ProtocolException("chunk data not followed by CRLF");
            }
            return n;
        }
    }
}
