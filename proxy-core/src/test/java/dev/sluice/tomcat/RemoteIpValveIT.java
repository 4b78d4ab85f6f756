package dev.sluice.tomcat;

import dev.sluice.Sluice;
import dev.sluice.config.Cidr;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.RawHttp;
import org.apache.catalina.valves.RemoteIpValve;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tomcat behind Sluice with {@code RemoteIpValve} trusting the proxy (127.0.0.1): the
 * application sees the real client, and a client that is not a trusted proxy cannot pass
 * itself off as someone else or as https.
 */
class RemoteIpValveIT {
    /** A client address from TEST-NET-3; everything here really runs on loopback. */
    private static final String FAR_CLIENT = "203.0.113.7";

    private TomcatNode tomcat;

    @BeforeEach
    void startTomcat() {
        RemoteIpValve valve = new RemoteIpValve();
        valve.setInternalProxies("127\\.0\\.0\\.1");
        valve.setProtocolHeader("X-Forwarded-Proto");
        // Without a port header the valve sets the port to 80 (or 443 for https), whatever the client used.
        valve.setPortHeader("X-Forwarded-Port");
        tomcat = TomcatNode.named("app").valve(valve).servlet("/", new ClientViewServlet()).start();
    }

    @AfterEach
    void stopTomcat() {
        tomcat.close();
    }

    // Proves a trusted proxy's X-Forwarded-For chain reaches Tomcat so the valve finds the far client, with Host and port intact.
    @Test
    void clientIsATrustedProxy_servletSeesTheAddressItForwardedAndTheClientsHostAndPort() throws Exception {
        try (Sluice proxy = TomcatProxy.inFrontOf(List.of(tomcat), List.of(Cidr.parse("127.0.0.1/32")))) {
            Map<String, String> seen = clientView(proxy, "X-Forwarded-For: " + FAR_CLIENT);

            assertEquals(FAR_CLIENT, seen.get("remoteAddr"), seen.toString());
            assertEquals("http", seen.get("scheme"), seen.toString());
            assertEquals("false", seen.get("secure"), seen.toString());
            assertEquals("app.example", seen.get("serverName"), seen.toString());
            assertEquals(String.valueOf(proxy.port()), seen.get("serverPort"), seen.toString());
        }
    }

    // Proves an untrusted client's forged X-Forwarded-For/-Proto/-Port are replaced: Tomcat sees the real peer, http, the real port.
    @Test
    void clientIsNotTrusted_spoofedForwardedHeadersAreNotWhatTheServletSees() throws Exception {
        try (Sluice proxy = TomcatProxy.inFrontOf(tomcat)) {
            Map<String, String> seen = clientView(proxy,
                    "X-Forwarded-For: " + FAR_CLIENT, "X-Forwarded-Proto: https", "X-Forwarded-Port: 8443");

            assertEquals("127.0.0.1", seen.get("remoteAddr"), seen.toString());
            assertEquals("http", seen.get("scheme"), seen.toString());
            assertEquals("false", seen.get("secure"), seen.toString());
            assertEquals("app.example", seen.get("serverName"), seen.toString());
            assertEquals(String.valueOf(proxy.port()), seen.get("serverPort"), seen.toString());
        }
    }

    // Proves a client of a TLS listener is seen by Tomcat's RemoteIpValve as https on the listener's
    // port, secure, from its own address, although Sluice speaks plain HTTP to Tomcat.
    @Test
    void clientOverTls_servletSeesHttpsSecureAndTheListenersPort(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.sluice.testing.TestCertificates ca = dev.sluice.testing.TestCertificates.ca();
        dev.sluice.config.TlsConfig tls = dev.sluice.config.TlsConfig.of(ca.leaf("app.example", "127.0.0.1").write(dir, "leaf"));
        try (Sluice proxy = Sluice.builder()
                .upstream(dev.sluice.config.UpstreamConfig.of("tomcat",
                        List.of(new dev.sluice.config.ServerConfig(tomcat.httpUri(), tomcat.name()))))
                .route(dev.sluice.config.RouteConfig.of("/", "tomcat")).tls(tls).start()) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(ca.clientContext())
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            String body = client.send(java.net.http.HttpRequest.newBuilder(proxy.uri("https", "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            Map<String, String> seen = new LinkedHashMap<>();
            for (String line : body.split("\n")) {
                String[] kv = line.split("=", 2);
                seen.put(kv[0], kv[1]);
            }
            assertEquals("https", seen.get("scheme"), seen.toString());
            assertEquals("true", seen.get("secure"), seen.toString());
            assertEquals(String.valueOf(proxy.port()), seen.get("serverPort"), seen.toString());
            assertEquals("127.0.0.1", seen.get("remoteAddr"), seen.toString());
        }
    }

    /** GET / through the proxy as {@code Host: app.example} plus these header lines; the servlet's answer as a map. */
    private static Map<String, String> clientView(Sluice proxy, String... headers) throws IOException {
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        head.append("\r\n");
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            RawHttp.Response response = client.write(head.toString()).readResponse();
            assertEquals(200, response.status(), response.toString());
            Map<String, String> view = new LinkedHashMap<>();
            for (String line : response.bodyText().split("\n")) {
                String[] kv = line.split("=", 2);
                view.put(kv[0], kv[1]);
            }
            return view;
        }
    }
}
