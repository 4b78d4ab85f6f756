package dev.sluice.websocket;

import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.TomcatEchoBackend;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.sluice.testing.RawHttp.ascii;
import static dev.sluice.testing.RawHttp.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The raw-socket helpers and backends checked without a proxy, so a proxy test failure means the proxy. */
class WsTestToolsDirectIT {

    // RawHttp and WsWire agree with a real server: handshake + early frame in one write is answered.
    @Test
    void undertowEchoAnswersFrameSentWithHandshake() throws Exception {
        try (WsEchoBackend backend = WsEchoBackend.start();
             RawPeer client = RawPeer.connect(backend.port())) {
            client.write(concat(ascii(WsWire.handshake("/echo")), WsWire.clientText("early")));
            RawHttp.Head head = client.readHead();
            assertEquals(101, head.status());
            assertEquals(WsWire.SAMPLE_ACCEPT, head.header("Sec-WebSocket-Accept"));
            assertEquals(WsWire.SAMPLE_ACCEPT, WsWire.acceptFor(WsWire.SAMPLE_KEY));
            assertEquals("early", client.readFrame().text());

            byte[] big = new byte[70_000];
            client.write(WsWire.clientFrame(WsWire.BINARY, big));
            WsWire.Frame echo = client.readFrame();
            assertEquals(WsWire.BINARY, echo.opcode());
            assertEquals(big.length, echo.payload().length);
        }
    }

    // The Tomcat backend's JSR-356 endpoint speaks RFC 6455 to a raw client too, and plain GETs reach the servlet.
    @Test
    void tomcatEchoAnswersRawHandshakeAndPlainGet() throws Exception {
        try (TomcatEchoBackend backend = TomcatEchoBackend.start("chat")) {
            try (RawPeer client = RawPeer.connect(backend.port())) {
                client.write(concat(ascii(WsWire.handshake(TomcatEchoBackend.PATH, "Sec-WebSocket-Protocol: superchat, chat")),
                        WsWire.clientText("early")));
                RawHttp.Head head = client.readHead();
                assertEquals(101, head.status());
                assertEquals("chat", head.header("Sec-WebSocket-Protocol"));
                assertEquals("early", client.readFrame().text());
            }
            try (RawPeer client = RawPeer.connect(backend.port())) {
                client.write("GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                RawHttp.Response response = client.readResponse();
                assertEquals(200, response.status());
                assertEquals("plain", response.bodyText());
            }
        }
    }

    // The raw backend records every byte that arrived, even behind the head its script read.
    @Test
    void rawBackendRecordsPipelinedBytesAndPeerClose() throws Exception {
        try (RawBackend backend = RawBackend.start((conn, head) ->
                 conn.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno"));
             RawPeer client = RawPeer.connect(backend.port())) {
            client.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /secret HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response response = client.readResponse();
            assertEquals(403, response.status());
            assertEquals("no", response.bodyText());
            client.close();

            RawBackend.Ended ended = backend.nextConnectionEnd(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertTrue(ended.receivedText().contains("GET /secret"), ended.receivedText());
            assertTrue(ended.peerClosed());
            assertEquals(1, backend.connections());
            assertEquals(1, backend.requests());
        }
    }
}
