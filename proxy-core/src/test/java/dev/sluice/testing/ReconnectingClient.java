package dev.sluice.testing;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * A JDK WebSocket client with the reconnect logic applications have: when its session ended (a
 * close or an error) the next send opens a new one. Counts its connections, so a test can show
 * that a fault made it reconnect.
 */
public final class ReconnectingClient {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final URI uri;
    private WsRecorder recorder;
    private WebSocket socket;
    private int connections;

    public ReconnectingClient(URI uri) {
        this.uri = uri;
    }

    /** Sends {@code text} (reconnecting first if the session ended) and returns the next message's text. */
    public String echo(String text) throws Exception {
        if (socket == null || recorder.ended()) {
            recorder = new WsRecorder();
            socket = WsRecorder.connect(HttpClients.HTTP_1_1, uri, recorder);
            connections++;
        }
        socket.sendText(text, true).get();
        return recorder.next(WAIT).text();
    }

    /** How the current session ended ("close CODE REASON" or "error ..."). */
    public String awaitEnd() throws InterruptedException, ExecutionException {
        return recorder.awaitEnd(WAIT);
    }

    public int connections() {
        return connections;
    }
}
