package dev.sluice.record;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The recorded messages of one tunnel, the last {@link Recording#MAX_MESSAGES_PER_TUNNEL} of them.
 * Written by the tunnel's IO thread, read from anywhere. Holds nothing until the first message,
 * so an idle tunnel pays almost nothing for it.
 */
public final class MessageLog {
    private final int maxPayloadBytes;
    private ArrayDeque<WsMessage> messages; // guarded by this

    MessageLog(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** How many payload bytes of each message to keep; 0 when payloads are not recorded. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Adds a message, dropping the oldest one when the log is full. */
    public synchronized void add(WsMessage message) {
        if (messages == null) {
            messages = new ArrayDeque<>();
        } else if (messages.size() == Recording.MAX_MESSAGES_PER_TUNNEL) {
            messages.removeFirst();
        }
        messages.addLast(message);
    }

    /** A snapshot, oldest first. */
    public synchronized List<WsMessage> list() {
        return messages == null ? List.of() : List.copyOf(messages);
    }

    synchronized void clear() {
        messages = null;
    }
}
