package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.AccessLogConfig;
import dev.sluice.testing.HttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log written to a file: one line per request, carrying what an operator greps for. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AccessLogIT {

    // A GET through the proxy produces exactly one line with the client address, the request
    // line as sent, the status, route=, upstream= and the id returned in X-Request-Id.
    @Test
    void getWritesOneLineWithClientRequestStatusRouteUpstreamAndRequestId(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder()
                     .accessLog(new AccessLogConfig(AccessLogConfig.Target.FILE, file))
                     .route("/", backend.uri())
                     .start()) {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(proxy.uri("http", "/path?q=1")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            String id = response.headers().firstValue("X-Request-Id").orElseThrow();

            await("an access log line with id=" + id).atMost(Duration.ofSeconds(5))
                    .until(() -> linesWith(file, "id=" + id).size() == 1);
            String line = linesWith(file, "id=" + id).get(0);
            assertTrue(line.startsWith("127.0.0.1 "), line);
            assertTrue(line.contains("\"GET /path?q=1 HTTP/1.1\""), line);
            assertTrue(line.contains(" 200 "), line);
            assertTrue(line.contains(" route=/ "), line);
            assertTrue(line.contains(" upstream=upstream-1 "), line);
            assertTrue(line.endsWith(" id=" + id), line);
            assertEquals(1, Files.readAllLines(file).size(), "one request, one line: " + Files.readAllLines(file));
        }
    }

    private static List<String> linesWith(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(line -> line.contains(text)).toList();
    }
}
