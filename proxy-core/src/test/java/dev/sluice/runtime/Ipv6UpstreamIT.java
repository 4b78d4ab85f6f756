package dev.sluice.runtime;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** An upstream server written as an IPv6 literal, {@code http://[::1]:port}: HTTP, a tunnel, a resent handshake. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Ipv6UpstreamIT {
    private static InetAddress ipv6Loopback;

    @BeforeAll
    static void needsIpv6Loopback() throws IOException {
        InetAddress loopback = InetAddress.getByName("::1");
        boolean bindable;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(loopback, 0));
            bindable = true;
        } catch (IOException e) {
            bindable = false;
        }
        assumeTrue(bindable, "this machine has no IPv6 loopback");
        ipv6Loopback = loopback;
    }

    /** As a user writes it. */
    private static URI upstream(RawBackend backend) {
        return URI.create("http://[::1]:" + backend.port());
    }

    @Test
    void httpRequestReachesAnIpv6Upstream() throws Exception {
        try (RawBackend backend = RawBackend.start(ipv6Loopback, (peer, head) ->
                peer.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
             Sluice proxy = Sluice.builder().route("/", upstream(backend)).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("GET", "/plain", "Host: 127.0.0.1"));
            RawHttp.Response response = client.readResponse();

            assertEquals(200, response.status(), response.head().text());
            assertEquals(1, backend.requests());
        }
    }

    @Test
    void tunnelOpensToAnIpv6Upstream() throws Exception {
        try (RawBackend backend = RawBackend.webSocket(ipv6Loopback);
             Sluice proxy = Sluice.builder().route("/", upstream(backend)).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
            assertEquals(101, answer.status(), answer.head().text());
            RawPeer upstream = backend.takePeer();

            upstream.write(WsWire.serverText("hello"));
            assertEquals("hello", answer.peer().readFrame().text());
            answer.peer().close();
        }
    }

    // The resend after a stale pooled connection connects anew to the server that connection
    // went to, by its peer address: an IPv6 one must come out as a usable URI too.
    @Test
    void handshakeResentToAnIpv6UpstreamAfterAStalePooledConnection() throws Exception {
        try (RawBackend backend = RawBackend.start(ipv6Loopback, (peer, head) -> {
                String key = head.header("Sec-WebSocket-Key");
                if (key != null) {
                    peer.write(WsWire.switchingProtocols(key));
                    return;
                }
                peer.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                peer.readHead(); // the handshake, on this now pooled connection
                peer.close();    // as an upstream whose keep-alive timeout fired just then
             });
             Sluice proxy = Sluice.builder().route("/", upstream(backend)).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("GET", "/plain", "Host: 127.0.0.1"));
            assertEquals(200, client.readResponse().status());

            client.write(WsWire.handshake("/ws")); // same client connection, so same IO thread and pool
            RawHttp.Head answer = client.readHead();

            assertEquals(101, answer.status(), answer.text());
            assertEquals(2, backend.connections(), "sent again on a second upstream connection");
        }
    }
}
