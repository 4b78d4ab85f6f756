package dev.sluice.junit.example;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the code under test: a chat client with the resilience logic real clients
 * have. It reconnects when its connection ended, and sends a message again when no answer came
 * within {@code answerTimeout}, up to three tries.
 */
final class ChatClient {
    private final URI uri;
    private final Duration answerTimeout;
    private final HttpClient http = HttpClient.newHttpClient();
    private WebSocket socket;
    private Listener listener;
    private int connections;

    ChatClient(URI uri, Duration answerTimeout) {
        this.uri = uri;
        this.answerTimeout = answerTimeout;
    }

    /** Sends {@code text} and returns the server's answer, reconnecting and retrying as needed. */
    String send(String text) throws Exception {
        for (int attempt = 1; ; attempt++) {
            if (socket == null || listener.closed.isDone()) {
                listener = new Listener();
                socket = http.newWebSocketBuilder().buildAsync(uri, listener).get(5, TimeUnit.SECONDS);
                connections++;
            }
            try {
                socket.sendText(text, true).get(5, TimeUnit.SECONDS);
            } catch (Exception sendFailed) {
                if (attempt == 3) {
                    throw sendFailed;
                }
                continue;
            }
            String answer = listener.answers.poll(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (answer != null) {
                return answer;
            }
            if (attempt == 3) {
                throw new IllegalStateException("no answer to '" + text + "' after 3 tries");
            }
        }
    }

    int connections() {
        return connections;
    }

    /** How the last connection ended: "close CODE REASON" or "error ...", once it has. */
    CompletableFuture<String> ended() {
        return listener.closed;
    }

    private static final class Listener implements WebSocket.Listener {
        final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                answers.add(parts.toString());
                parts.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete("close " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }
    }
}
