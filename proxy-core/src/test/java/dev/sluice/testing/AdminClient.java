package dev.sluice.testing;

import dev.sluice.Sluice;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls to a proxy's admin API as an operator's script makes them: mutations with a JSON content type. */
public final class AdminClient {
    private AdminClient() {
    }

    public static URI uri(Sluice proxy, String path) {
        return URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + path);
    }

    public static HttpResponse<String> get(Sluice proxy, String path) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(uri(proxy, path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POST with {@code Content-Type: application/json} and this body (may be empty). */
    public static HttpResponse<String> post(Sluice proxy, String path, String json) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(uri(proxy, path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
