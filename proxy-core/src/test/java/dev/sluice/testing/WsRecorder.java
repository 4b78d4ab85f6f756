package dev.sluice.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JDK WebSocket listener that assembles whole messages into a queue and records how the
 * session ended, so tests can await each with a bound and a message saying what was awaited.
 */
public final class WsRecorder implements WebSocket.Listener {
    /** One whole message: exactly one of text and binary is non-null. */
    public record Message(String text, byte[] binary) {
    }

    /** The close frame the peer sent. */
    public record Close(int code, String reason) {
    }

    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private volatile Close close;
    private final StringBuilder textParts = new StringBuilder();
    private final ByteArrayOutputStream binaryParts = new ByteArrayOutputStream();

    /** Opens a WebSocket to {@code uri}, offering {@code subprotocols} in that order. */
    public static WebSocket connect(HttpClient client, URI uri, WsRecorder recorder, String... subprotocols)
            throws Exception {
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return builder.buildAsync(uri, recorder).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        textParts.append(data);
        if (last) {
            messages.add(new Message(textParts.toString(), null));
            textParts.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binaryParts.writeBytes(chunk);
        if (last) {
            messages.add(new Message(null, binaryParts.toByteArray()));
            binaryParts.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        close = new Close(statusCode, reason);
        ended.complete("close " + statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        ended.complete("error " + error);
    }

    /** Whether the session has ended (a close or an error). */
    public boolean ended() {
        return ended.isDone();
    }

    /** The next whole message, or an AssertionError after {@code timeout}. */
    public Message next(Duration timeout) throws InterruptedException {
        Message message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no WebSocket message within " + timeout
                    + (ended.isDone() ? "; session ended: " + ended.join() : ""));
        }
        return message;
    }

    /** How the session ended ("close CODE REASON" or "error ..."), or an AssertionError after {@code timeout}. */
    public String awaitEnd(Duration timeout) throws InterruptedException, ExecutionException {
        try {
            return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("WebSocket session still open after " + timeout);
        }
    }

    /**
     * The close the peer sent, or an AssertionError if the session ended in an error, does not end
     * within {@code timeout}, or a message arrived that the test has not taken with {@link #next}.
     */
    public Close awaitClose(Duration timeout) throws InterruptedException, ExecutionException {
        String end = awaitEnd(timeout);
        if (close == null) {
            throw new AssertionError("session ended without a close frame: " + end);
        }
        if (!messages.isEmpty()) {
            throw new AssertionError(messages.size() + " message(s) arrived before the close and were not taken: "
                    + messages);
        }
        return close;
    }

    /** True once onClose or onError was called. */
    public boolean hasEnded() {
        return ended.isDone();
    }
}
