package dev.sluice.dist;

import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;

/** A JDK WebSocket listener that collects whole text messages (the JDK may deliver one in parts). */
final class TextCollector implements WebSocket.Listener {
    private final BlockingQueue<String> messages;
    private final StringBuilder partial = new StringBuilder();

    TextCollector(BlockingQueue<String> messages) {
        this.messages = messages;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }
}
