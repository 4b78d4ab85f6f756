package dev.sluice.tunnel;

import dev.sluice.runtime.UpstreamClient;
import io.undertow.client.ClientConnection;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;

/**
 * Whichever connection goes away first takes the other with it: before the switch the
 * upstream connection is ours alone to close, after it the splice's. One per client
 * connection, reused by every handshake on it: Undertow keeps a connection's close
 * listeners until it closes, so a listener per handshake would pile up on keep-alive.
 */
final class Legs {
    private static final AttachmentKey<Legs> KEY = AttachmentKey.create(Legs.class);

    TunnelSlot slot;
    ClientConnection upstream;
    Splice splice;
    boolean clientGone;

    /** The client connection's legs, now for this handshake. */
    static Legs of(ServerConnection connection, TunnelSlot slot) {
        Legs legs = connection.getAttachment(KEY);
        if (legs == null) {
            legs = new Legs();
            connection.putAttachment(KEY, legs);
            Legs forClose = legs;
            connection.addCloseListener(c -> forClose.clientClosed());
        }
        legs.slot = slot;
        legs.upstream = null;
        return legs;
    }

    void clientClosed() {
        clientGone = true;
        if (splice != null) {
            splice.connectionClosed(true);
            return;
        }
        slot.release();
        if (upstream != null) {
            UpstreamClient.closeNow(upstream, false);
        }
    }

    void upstreamClosed(ClientConnection closed) {
        // An upstream connection of an earlier, refused handshake may close late (Undertow
        // closes cleanly): only the tunnel's own upstream ends the tunnel.
        if (splice != null && closed == upstream) {
            splice.connectionClosed(false);
        }
    }
}
