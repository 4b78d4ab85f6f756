package dev.sluice.tls;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.TlsConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code hsts} on a TLS listener: every response on it carries one Strict-Transport-Security, the proxy's. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HstsIT {
    @TempDir
    Path dir;

    private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // An upstream's answer gets the header; one the upstream set itself is replaced, not doubled;
    // the proxy's own error page gets it too; over HTTP/2 as over HTTP/1.1. The plain listener
    // beside it sends none. A reload changes the max-age on the running listener.
    @Test
    void everyResponseOnTheTlsListenerCarriesTheProxysValueOnce() throws Exception {
        TestCertificates ca = TestCertificates.ca();
        TlsConfig.Certificate leaf = ca.leaf("localhost", "127.0.0.1").write(dir, "leaf");
        try (HttpBackend backend = HttpBackend.start((request, reply) -> {
            if (request.uri().startsWith("/own")) {
                reply.header("Strict-Transport-Security", "max-age=5; includeSubDomains");
            }
            reply.header("Content-Type", "text/plain").send("ok");
        })) {
            String yaml = """
                    listeners:
                      - address: 127.0.0.1:0
                        tls: { certificate: %s, private-key: %s }
                        http2: true
                        hsts: %s
                      - address: 127.0.0.1:0
                    upstreams:
                      app: { servers: [ { url: %s } ] }
                      dead: { servers: [ { url: http://127.0.0.1:9 } ] }
                    routes:
                      - { match: { path: /dead/ }, upstream: dead }
                      - { match: { path: / }, upstream: app }
                    """;
            try (Sluice proxy = Sluice.startYaml(yaml.formatted(leaf.certificate(), leaf.privateKey(), "365d",
                    backend.uri()))) {
                int https = proxy.listenerAddresses().get(0).getPort();
                int http = proxy.listenerAddresses().get(1).getPort();
                for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
                    HttpClient client = HttpClient.newBuilder().version(version).sslContext(ca.clientContext()).build();
                    for (String path : List.of("/plain", "/own", "/dead/x")) {
                        HttpResponse<String> response = get(client, URI.create("https://localhost:" + https + path));
                        assertEquals(version, response.version());
                        assertEquals(path.startsWith("/dead") ? 502 : 200, response.statusCode(), response.body());
                        assertEquals(List.of("max-age=31536000"),
                                response.headers().allValues("Strict-Transport-Security"), path + " over " + version);
                    }
                }
                HttpResponse<String> plain = get(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + http + "/own"));
                assertEquals(List.of("max-age=5; includeSubDomains"), plain.headers().allValues("Strict-Transport-Security"),
                        "a plain listener leaves the upstream's header alone");
                HttpResponse<String> none = get(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + http + "/plain"));
                assertEquals(List.of(), none.headers().allValues("Strict-Transport-Security"));

                proxy.reload(ConfigLoader.parse(yaml.formatted(leaf.certificate(), leaf.privateKey(), "0s",
                        backend.uri()), "reloaded.yaml", Map.of()));
                HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
                assertEquals(List.of("max-age=0"), get(client, URI.create("https://localhost:" + https + "/plain"))
                        .headers().allValues("Strict-Transport-Security"));
            }
        }
    }
}
