package dev.sluice.record;

import dev.sluice.ws.Direction;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recording's bounds: it keeps the newest and forgets the oldest. */
class RecordingTest {

    // 10,005 exchanges: the last 10,000 are kept, oldest first.
    @Test
    void keepsTheLastTenThousandExchanges() {
        Recording recording = Recording.on(0);
        for (int i = 0; i < Recording.MAX_EXCHANGES + 5; i++) {
            recording.add(exchange("/" + i));
        }
        List<HttpExchange> kept = recording.exchanges();
        assertEquals(Recording.MAX_EXCHANGES, kept.size());
        assertEquals("/5", kept.get(0).path());
        assertEquals("/" + (Recording.MAX_EXCHANGES + 4), kept.get(kept.size() - 1).path());
    }

    // 1,005 messages in one tunnel: the last 1,000 are kept; of 1,001 tunnels the first one's
    // messages are forgotten by the recording (its own log still has them).
    @Test
    void keepsTheLastThousandMessagesOfTheLastThousandTunnels() {
        Recording recording = Recording.on(0);
        MessageLog first = recording.tunnelOpened(1);
        for (int i = 0; i < Recording.MAX_MESSAGES_PER_TUNNEL + 5; i++) {
            first.add(new WsMessage(Direction.TO_CLIENT, WsMessage.TEXT, i, Instant.now(), null));
        }
        List<WsMessage> kept = recording.messages(1);
        assertEquals(Recording.MAX_MESSAGES_PER_TUNNEL, kept.size());
        assertEquals(5, kept.get(0).length());

        for (long id = 2; id <= Recording.MAX_TUNNELS + 1; id++) {
            recording.tunnelOpened(id).add(new WsMessage(Direction.TO_UPSTREAM, WsMessage.PING, 0, Instant.now(), null));
        }
        assertEquals(List.of(), recording.messages(1));
        assertEquals(1, recording.messages(Recording.MAX_TUNNELS + 1).size());
        assertEquals(Recording.MAX_MESSAGES_PER_TUNNEL, first.list().size());
    }

    // Off, nothing is kept and no tunnel gets a log.
    @Test
    void offKeepsNothing() {
        Recording off = Recording.off();
        assertNull(off.tunnelOpened(1));
        assertTrue(off.exchanges().isEmpty());
        assertTrue(off.messages(1).isEmpty());
    }

    private static HttpExchange exchange(String path) {
        return new HttpExchange(Instant.now(), "GET", path, "", "HTTP/1.1", "x", 200, Duration.ZERO, "/", "app",
                "127.0.0.1:1", Map.of(), Map.of(), 0, HttpExchange.NO_TUNNEL);
    }
}
