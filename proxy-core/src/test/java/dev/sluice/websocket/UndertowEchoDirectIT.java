package dev.sluice.websocket;

import dev.sluice.testing.WsEchoBackend;

/** The echo contract against the Undertow echo backend, straight to the backend, to prove the backend and the contract right. */
class UndertowEchoDirectIT extends EchoTunnelContract {
    @Override
    protected Backend startBackend() {
        WsEchoBackend server = WsEchoBackend.start("chat");
        return new Backend(server, server.uri(), "/echo");
    }

    @Override
    protected boolean viaProxy() {
        return false;
    }
}
