package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigLoader;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A test's proxy started from YAML closes as a builder's does: at once, unless its file sets
 * {@code shutdown.drain-timeout}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SluiceYamlCloseIT {

    private static String yaml(HttpBackend backend, String shutdown) {
        return """
                listeners: [ { address: 127.0.0.1:0 } ]
                access-log: off
                upstreams: { app: { servers: [ { url: %s } ] } }
                routes: [ { match: { path: / }, upstream: app } ]
                faults: [ { type: blackhole } ]
                %s
                """.formatted(backend.uri(), shutdown);
    }

    // A request held by a blackhole fault whose client has left: close() used to wait the whole
    // default drain timeout (30 s) for it; now it returns well before that and the port is free.
    @Test
    void closeDoesNotWaitTheDefaultDrainForABlackholedRequest() throws Exception {
        try (HttpBackend backend = HttpBackend.start()) {
            Sluice proxy = Sluice.startYaml(yaml(backend, ""));
            int port = proxy.port();
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.getOutputStream().write(RawHttp.request("GET", "/held", "Host: test")
                        .getBytes(StandardCharsets.US_ASCII));
                backend.takeRequest(); // reached the backend; its answer goes into the blackhole
            } // the client leaves

            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            // A bound against the 30 s default drain, not a timing: the close itself takes milliseconds.
            await().atMost(Duration.ofSeconds(10)).until(closing::isDone);
            closing.join();
            assertTrue(refuses(port), "the proxy's port is free after close()");
        }
    }

    // What the file says wins; a file without it gets 0 (and keeps it over a reload that does not say).
    @Test
    void drainTimeoutIsZeroUnlessTheFileSetsIt() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice unset = Sluice.startYaml(yaml(backend, ""));
             Sluice set = Sluice.startYaml(yaml(backend, "shutdown: { drain-timeout: 2s }"))) {
            assertEquals(Duration.ZERO, unset.config().drainTimeout());
            assertFalse(unset.config().drainTimeoutSet());
            assertEquals(Duration.ofSeconds(2), set.config().drainTimeout());

            unset.reload(ConfigLoader.parse(yaml(backend, ""), "yaml", Map.of()));
            assertEquals(Duration.ZERO, unset.config().drainTimeout());
        }
    }

    private static boolean refuses(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return !socket.isConnected();
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
