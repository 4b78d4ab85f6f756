package dev.sluice.websocket;

import dev.sluice.testing.WsEchoBackend;

/** The echo contract against the Undertow echo backend, through Sluice. */
class UndertowEchoThroughProxyIT extends EchoTunnelContract {
    @Override
    protected Backend startBackend() {
        WsEchoBackend server = WsEchoBackend.start("chat");
        return new Backend(server, server.uri(), "/echo");
    }

    @Override
    protected boolean viaProxy() {
        return true;
    }
}
