package dev.sluice.record;

import dev.sluice.ws.Direction;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * The recorded messages of one tunnel, as many as the {@link Recording}'s budget leaves: the
 * recording forgets the oldest messages here as it forgets anything else, while the tunnel is
 * still open too. Written by the tunnel's IO thread, read from anywhere. Holds nothing until the
 * first message, so an idle tunnel pays almost nothing for it.
 */
public final class MessageLog {
    private final Recording recording;
    private final long tunnelId;
    private ArrayDeque<WsMessage> messages; // guarded by recording.lock

    MessageLog(Recording recording, long tunnelId) {
        this.recording = recording;
        this.tunnelId = tunnelId;
    }

    /** How many payload bytes of each message to keep; 0 when payloads are not recorded. */
    public int maxPayloadBytes() {
        return recording.maxPayloadBytes();
    }

    /** Adds a message; the recording forgets its oldest entries (here or anywhere) past its budget. */
    public void add(WsMessage message) {
        recording.add(this, message);
    }

    /**
     * Marks the message sent {@code direction} with this number (see {@link WsMessage#number()})
     * as {@code fault} did to it; nothing when it is not held (forgotten, or not recorded).
     */
    public void mark(Direction direction, boolean control, long number, String fault, String effect) {
        synchronized (recording.lock) {
            if (messages == null) {
                return;
            }
            for (Iterator<WsMessage> it = messages.descendingIterator(); it.hasNext(); ) {
                WsMessage m = it.next();
                if (m.number() == number && m.direction() == direction && m.isControl() == control) {
                    replace(m, m.withFault(fault, effect));
                    return;
                }
            }
        }
    }

    /** Puts {@code marked} where {@code message} is (rare: only for what a fault did; the deque has no set). */
    private void replace(WsMessage message, WsMessage marked) {
        ArrayDeque<WsMessage> next = new ArrayDeque<>(messages.size());
        for (WsMessage m : messages) {
            next.addLast(m == message ? marked : m);
        }
        messages = next;
    }

    /** A snapshot, oldest first. */
    public List<WsMessage> list() {
        synchronized (recording.lock) {
            return messages == null ? List.of() : List.copyOf(messages);
        }
    }

    long tunnelId() {
        return tunnelId;
    }

    /** Appends; whether the log was empty before. Under recording.lock. */
    boolean append(WsMessage message) {
        if (messages == null) {
            messages = new ArrayDeque<>();
        }
        messages.addLast(message);
        return messages.size() == 1;
    }

    /** Removes and returns the oldest message (there is one); an emptied log lets its deque go. Under recording.lock. */
    WsMessage removeOldest() {
        WsMessage oldest = messages.removeFirst();
        if (messages.isEmpty()) {
            messages = null;
        }
        return oldest;
    }

    /** Whether it holds no message. Under recording.lock. */
    boolean isEmpty() {
        return messages == null || messages.isEmpty();
    }

    /** Forgets every message. Under recording.lock. */
    void clear() {
        messages = null;
    }
}
