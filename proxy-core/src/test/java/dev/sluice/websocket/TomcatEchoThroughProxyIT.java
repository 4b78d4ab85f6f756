package dev.sluice.websocket;

import dev.sluice.testing.TomcatEchoBackend;

/** The echo contract against the Tomcat echo backend, through Sluice. */
class TomcatEchoThroughProxyIT extends EchoTunnelContract {
    @Override
    protected Backend startBackend() {
        TomcatEchoBackend server = TomcatEchoBackend.start("chat");
        return new Backend(server, server.uri(), TomcatEchoBackend.PATH);
    }

    @Override
    protected boolean viaProxy() {
        return true;
    }
}
