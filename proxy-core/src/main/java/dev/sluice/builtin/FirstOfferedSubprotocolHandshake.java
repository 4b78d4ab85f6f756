package dev.sluice.builtin;

import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;

import java.util.Set;

/**
 * RFC 6455 handshake that accepts whatever subprotocol the client offers first, so a demo client asking
 * for {@code chat} sees {@code chat} negotiated. No extensions: frames stay byte-exact.
 */
final class FirstOfferedSubprotocolHandshake extends Hybi13Handshake {
    FirstOfferedSubprotocolHandshake() {
        super(Set.of(), false);
    }

    @Override
    protected String supportedSubprotols(String[] offered) {
        for (String protocol : offered) {
            String trimmed = protocol.trim();
            if (!trimmed.isEmpty()) {
                return trimmed;
            }
        }
        return null;
    }
}
