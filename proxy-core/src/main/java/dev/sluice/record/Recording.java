package dev.sluice.record;

import dev.sluice.config.RecordingConfig;
import io.undertow.util.HeaderMap;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a proxy recorded for a test to assert on: its HTTP exchanges and, for each WebSocket
 * tunnel, the messages that went through it; {@link #writeHar} saves both as a HAR file that a
 * browser's developer tools open.
 *
 * <p>Bounded by a byte budget ({@code recording.budget}, 16MiB by default): each exchange and
 * each message counts an estimate of the heap it takes (an exchange its strings, header
 * names and values and fixed overheads, a message its kept payload plus {@value #MESSAGE_OVERHEAD} bytes), and past
 * the budget the oldest ones are forgotten, exchanges and messages alike, in the order they were
 * recorded, the messages of tunnels still open too. Each exchange keeps at most
 * {@value #MAX_HEADER_BYTES} bytes of request headers and as much of response headers, in that
 * estimate (the values that do not fit are left out, and counted in a {@value #HEADERS_CUT}
 * header). The values of
 * {@code Cookie}, {@code Set-Cookie}, {@code Authorization} and {@code Proxy-Authorization} are
 * recorded as {@value #REDACTED} unless the configuration keeps secrets.
 *
 * <p>A proxy from {@code Sluice.builder()} records by default (message metadata only; payloads
 * with {@code recordPayloads(n)}); one started from a configuration file does not, and neither
 * does a builder's with {@code recording(false)}. When it does not record, this object is still
 * there and its lists stay empty. Thread-safe: the proxy's IO threads write, each in a short
 * section under one lock, a test reads from anywhere, e.g.
 * {@code await().until(() -> proxy.recording().exchanges().size() == 2)}.
 */
public final class Recording {
    /** What a secret header's value is recorded as. */
    public static final String REDACTED = "[redacted]";
    /** The header added to a header list that was cut, saying how much was left out. */
    public static final String HEADERS_CUT = "Sluice-Headers-Cut";
    /**
     * What an exchange's request headers may count (names, values and
     * {@value #HEADER_VALUE_OVERHEAD} for each value), and as much its response headers.
     */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** What a recorded message counts besides its payload. */
    public static final int MESSAGE_OVERHEAD = 96;
    /** What a recorded exchange counts besides its strings and headers. */
    static final int EXCHANGE_OVERHEAD = 384;
    /** What each header value counts besides its name's and its own characters. */
    public static final int HEADER_VALUE_OVERHEAD = 48;

    private static final Recording OFF = new Recording(false, RecordingConfig.METADATA);

    private final boolean on;
    private final int maxPayloadBytes;
    private final long budget;
    private final boolean keepSecrets;

    /** Guards everything below and every {@link MessageLog}'s messages. */
    final Object lock = new Object();
    private final ArrayDeque<Recorded> exchanges = new ArrayDeque<>();
    /**
     * Every recorded entry, oldest first: a {@link Recorded} exchange, or the {@link MessageLog}
     * whose oldest message is that entry.
     */
    private final ArrayDeque<Object> entries = new ArrayDeque<>();
    /** The logs holding messages, by tunnel id. */
    private final Map<Long, MessageLog> tunnels = new HashMap<>();
    private long bytes;

    private Recording(boolean on, RecordingConfig config) {
        this.on = on;
        this.maxPayloadBytes = config.payloadBytes();
        this.budget = config.budgetBytes();
        this.keepSecrets = config.keepSecrets();
    }

    /** A recording that records nothing: its lists stay empty. */
    public static Recording off() {
        return OFF;
    }

    /**
     * A recording of exchanges and message metadata, with the default budget, secrets redacted.
     *
     * @param maxPayloadBytes how many payload bytes of each WebSocket message to keep too; 0 for none
     */
    public static Recording on(int maxPayloadBytes) {
        return on(new RecordingConfig(maxPayloadBytes));
    }

    /** A recording as the configuration's {@code recording} says. */
    public static Recording on(RecordingConfig config) {
        return new Recording(true, config);
    }

    /** Whether this proxy records at all. */
    public boolean isOn() {
        return on;
    }

    /** How many payload bytes of each WebSocket message are kept; 0 when payloads are not recorded. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** The most {@link #bytes()} gets. */
    public long budget() {
        return budget;
    }

    /** Whether credential headers are recorded as sent rather than {@value #REDACTED}. */
    public boolean keepsSecrets() {
        return keepSecrets;
    }

    /** The estimated size of what is recorded now, at most {@link #budget()}. */
    public long bytes() {
        synchronized (lock) {
            return bytes;
        }
    }

    /** The recorded HTTP exchanges, oldest first (in the order they completed); a snapshot. */
    public List<HttpExchange> exchanges() {
        List<Recorded> recorded;
        synchronized (lock) {
            recorded = new ArrayList<>(exchanges);
        }
        List<HttpExchange> list = new ArrayList<>(recorded.size());
        for (Recorded r : recorded) {
            list.add(r.exchange);
        }
        return List.copyOf(list);
    }

    /**
     * The recorded messages of a tunnel, oldest first (in the order they ended: a ping sent
     * between two fragments comes before their message); a snapshot. Empty for a tunnel not
     * known, or whose messages the budget has forgotten. Also {@code tunnel.messages()}.
     */
    public List<WsMessage> messages(long tunnelId) {
        synchronized (lock) {
            MessageLog log = tunnels.get(tunnelId);
            return log == null ? List.of() : log.list();
        }
    }

    /** Forgets every exchange and message recorded so far; recording goes on. */
    public void clear() {
        synchronized (lock) {
            exchanges.clear();
            entries.clear();
            tunnels.values().forEach(MessageLog::clear);
            tunnels.clear();
            bytes = 0;
        }
    }

    /** The recording as HAR 1.2 JSON: the exchanges, and each tunnel's messages in its 101 entry. */
    public String har() {
        StringWriter out = new StringWriter();
        try {
            writeHar(out);
        } catch (IOException e) {
            throw new AssertionError("a StringWriter does not fail", e);
        }
        return out.toString();
    }

    /**
     * Writes {@link #har()} to {@code out} as it goes, an entry at a time (a snapshot of the
     * exchanges taken first, each tunnel's messages when its entry is written); does not close it.
     */
    public void writeHar(Writer out) throws IOException {
        HarWriter.write(out, exchanges(), this::messages);
        out.flush();
    }

    /** Writes {@link #har()} to a file (UTF-8), creating its directory if needed, replacing the file if it exists. */
    public void writeHar(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writeHar(out);
        }
    }

    /**
     * A tunnel opened: the log its messages are recorded in, or null when this recording is off.
     * Called by the proxy's tunnel registry.
     */
    public MessageLog tunnelOpened(long tunnelId) {
        return on ? new MessageLog(this, tunnelId) : null;
    }

    /** The headers of a request or response as this recording keeps them. */
    Map<String, List<String>> headers(HeaderMap headers) {
        return Headers.copy(headers, keepSecrets);
    }

    Recorded add(HttpExchange exchange) {
        Recorded recorded = new Recorded(exchange, estimate(exchange));
        synchronized (lock) {
            exchanges.addLast(recorded);
            entries.addLast(recorded);
            bytes += recorded.size;
            evict();
        }
        return recorded;
    }

    void add(MessageLog log, WsMessage message) {
        long size = estimate(message);
        synchronized (lock) {
            if (log.append(message)) {
                tunnels.put(log.tunnelId(), log);
            }
            entries.addLast(log);
            bytes += size;
            evict();
        }
    }

    /** Forgets the oldest entries until the recording is within its budget. Under lock. */
    private void evict() {
        while (bytes > budget) {
            Object oldest = entries.removeFirst();
            if (oldest instanceof Recorded recorded) {
                exchanges.removeFirst(); // the oldest exchange is the oldest entry that is one
                bytes -= recorded.size;
            } else {
                MessageLog log = (MessageLog) oldest;
                bytes -= estimate(log.removeOldest());
                if (log.isEmpty()) {
                    tunnels.remove(log.tunnelId(), log);
                }
            }
        }
    }

    /** What an exchange counts against the budget: its strings and headers and a fixed overhead. */
    static long estimate(HttpExchange e) {
        return EXCHANGE_OVERHEAD + length(e.method()) + length(e.path()) + length(e.query()) + length(e.protocol())
                + length(e.host()) + length(e.route()) + length(e.upstream()) + length(e.server())
                + Headers.estimate(e.requestHeaders()) + Headers.estimate(e.responseHeaders());
    }

    /** What a message counts against the budget: its kept payload and a fixed overhead. */
    static long estimate(WsMessage message) {
        return MESSAGE_OVERHEAD + (message.payload() == null ? 0 : message.payload().length);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** An exchange in the recording; a handshake's learns its tunnel after it completed. */
    static final class Recorded {
        private volatile HttpExchange exchange;
        private final long size;

        Recorded(HttpExchange exchange, long size) {
            this.exchange = exchange;
            this.size = size;
        }

        void becameTunnel(long tunnelId, String server) {
            exchange = exchange.becameTunnel(tunnelId, server);
        }
    }
}
