package dev.sluice.testing;

import java.net.http.HttpClient;
import java.time.Duration;

/** The JDK HTTP client the tests share. */
public final class HttpClients {
    /**
     * HTTP/1.1 only (what the proxy and the backends speak; no h2c upgrade attempt), 5 s to
     * connect. One for all tests: its threads are daemons and it has no close() before Java 21.
     */
    public static final HttpClient HTTP_1_1 = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** HTTP/2 where the server takes it: over cleartext, by {@code Upgrade: h2c} on the first request. */
    public static final HttpClient HTTP_2 = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private HttpClients() {
    }
}
