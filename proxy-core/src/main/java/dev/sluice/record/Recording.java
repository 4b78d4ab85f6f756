package dev.sluice.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a proxy recorded for a test to assert on: its HTTP exchanges and, for each WebSocket
 * tunnel, the messages that went through it; {@link #writeHar} saves both as a HAR file that a
 * browser's developer tools open. Bounded: the last {@value #MAX_EXCHANGES} exchanges, and the last
 * {@value #MAX_MESSAGES_PER_TUNNEL} messages of each of the last {@value #MAX_TUNNELS} tunnels.
 *
 * <p>A proxy from {@code Sluice.builder()} records by default (message metadata only; payloads
 * with {@code recordPayloads(n)}); one started from a configuration file does not, and neither
 * does a builder's with {@code recording(false)}. When it does not record, this object is still
 * there and its lists stay empty. Thread-safe: the proxy's IO threads write, a test reads
 * from anywhere, e.g. {@code await().until(() -> proxy.recording().exchanges().size() == 2)}.
 */
public final class Recording {
    public static final int MAX_EXCHANGES = 10_000;
    public static final int MAX_MESSAGES_PER_TUNNEL = 1_000;
    /** Tunnels whose messages are kept; {@link MessageLog}s of older ones are forgotten. */
    public static final int MAX_TUNNELS = 1_000;

    private static final Recording OFF = new Recording(false, 0);

    private final boolean on;
    private final int maxPayloadBytes;
    private final ArrayDeque<Recorded> exchanges = new ArrayDeque<>(); // guarded by itself
    private final Map<Long, MessageLog> tunnels = new LinkedHashMap<>() { // guarded by itself
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, MessageLog> eldest) {
            return size() > MAX_TUNNELS;
        }
    };

    private Recording(boolean on, int maxPayloadBytes) {
        this.on = on;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** A recording that records nothing: its lists stay empty. */
    public static Recording off() {
        return OFF;
    }

    /**
     * A recording of exchanges and message metadata.
     *
     * @param maxPayloadBytes how many payload bytes of each WebSocket message to keep too; 0 for none
     */
    public static Recording on(int maxPayloadBytes) {
        if (maxPayloadBytes < 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be 0 (no payloads) or more: " + maxPayloadBytes);
        }
        return new Recording(true, maxPayloadBytes);
    }

    /** Whether this proxy records at all. */
    public boolean isOn() {
        return on;
    }

    /** How many payload bytes of each WebSocket message are kept; 0 when payloads are not recorded. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** The recorded HTTP exchanges, oldest first (in the order they completed); a snapshot. */
    public List<HttpExchange> exchanges() {
        synchronized (exchanges) {
            List<HttpExchange> list = new ArrayList<>(exchanges.size());
            for (Recorded recorded : exchanges) {
                list.add(recorded.exchange);
            }
            return List.copyOf(list);
        }
    }

    /**
     * The recorded messages of a tunnel, oldest first (in the order they ended: a ping sent
     * between two fragments comes before their message); a snapshot. Empty for a tunnel not
     * known, or no longer among the last {@value #MAX_TUNNELS}. Also {@code tunnel.messages()}.
     */
    public List<WsMessage> messages(long tunnelId) {
        MessageLog log;
        synchronized (tunnels) {
            log = tunnels.get(tunnelId);
        }
        return log == null ? List.of() : log.list();
    }

    /** Forgets every exchange and message recorded so far; recording goes on. */
    public void clear() {
        synchronized (exchanges) {
            exchanges.clear();
        }
        synchronized (tunnels) {
            tunnels.values().forEach(MessageLog::clear);
        }
    }

    /** The recording as HAR 1.2 JSON: the exchanges, and each tunnel's messages in its 101 entry. */
    public String har() {
        return HarWriter.write(exchanges(), this::messages);
    }

    /** Writes {@link #har()} to a file (UTF-8), creating its directory if needed, replacing the file if it exists. */
    public void writeHar(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(file, har(), StandardCharsets.UTF_8);
    }

    /**
     * A tunnel opened: the log its messages are recorded in, or null when this recording is off.
     * Called by the proxy's tunnel registry.
     */
    public MessageLog tunnelOpened(long tunnelId) {
        if (!on) {
            return null;
        }
        MessageLog log = new MessageLog(maxPayloadBytes);
        synchronized (tunnels) {
            tunnels.put(tunnelId, log);
        }
        return log;
    }

    Recorded add(HttpExchange exchange) {
        Recorded recorded = new Recorded(exchange);
        synchronized (exchanges) {
            if (exchanges.size() == MAX_EXCHANGES) {
                exchanges.removeFirst();
            }
            exchanges.addLast(recorded);
        }
        return recorded;
    }

    /** An exchange in the recording; a handshake's learns its tunnel after it completed. */
    static final class Recorded {
        private volatile HttpExchange exchange;

        Recorded(HttpExchange exchange) {
            this.exchange = exchange;
        }

        void becameTunnel(long tunnelId, String server) {
            exchange = exchange.becameTunnel(tunnelId, server);
        }
    }
}
