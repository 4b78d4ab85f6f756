package dev.sluice.handler;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/** Tells a client that went away (closed or reset its connection) from other I/O failures. */
final class ClientAborts {
    /** Undertow's "Remote peer closed connection before all data could be read" (a body cut short). */
    private static final String BODY_CUT_SHORT = "UT000128";

    private ClientAborts() {
    }

    static boolean isAbort(IOException e) {
        if (e instanceof ClosedChannelException || e instanceof EOFException) {
            return true;
        }
        String message = e.getMessage();
        return message != null && (message.startsWith(BODY_CUT_SHORT)
                || message.contains("Connection reset") || message.contains("Broken pipe"));
    }
}
