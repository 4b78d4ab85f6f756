package dev.sluice.junit;

import dev.sluice.Sluice;
import dev.sluice.config.FaultConfig;
import dev.sluice.fault.ActiveFault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A proxy shared by a test class starts each test without the run-time faults earlier tests left
 * on (the file's stay), and names the tunnels they left open. Both extension styles, run on inner
 * test classes whose first test fails with a fault and a tunnel left behind.
 */
class SluiceExtensionResetIT {
    @TempDir
    Path harDirectory;

    @Test
    void registeredExtensionResetsBetweenTests() {
        check(WithRegisteredExtension.class);
    }

    @Test
    void annotationResetsBetweenTests() {
        check(WithAnnotation.class);
    }

    private void check(Class<?> testClass) {
        EngineExecutionResults results = InnerTests.run(testClass, Map.of(HarOnFailure.DIRECTORY, harDirectory.toString()));

        assertEquals(1, results.testEvents().failed().count(), "the first test fails on purpose");
        results.testEvents().failed().stream().map(InnerTests::failure)
                .filter(t -> !t.getMessage().startsWith("fails on purpose")).findFirst()
                .ifPresent(t -> fail("the second test failed too, the first one's fault cascaded", t));
        assertEquals(1, results.testEvents().succeeded().count());

        Map<String, String> entries = new HashMap<>();
        results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getPayload(ReportEntry.class).orElseThrow())
                .forEach(entry -> entries.putAll(entry.getKeyValuePairs()));
        assertEquals("left-on", entries.get(LazyProxy.FAULTS_REMOVED_KEY));
        String tunnels = entries.get(LazyProxy.OPEN_TUNNELS_KEY);
        assertTrue(tunnels != null && tunnels.startsWith("tunnel 1 route=/ "), String.valueOf(tunnels));
    }

    /** Leaves a tunnel open and a fault on, then fails; the second test must not see the fault. */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    abstract static class LeavesThingsBehind {
        static WebSocket client;

        @Test
        @Order(1)
        void leavesAFaultAndATunnel(Sluice proxy) throws Exception {
            client = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(proxy.uri("ws", "/chat"), new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.tunnels().open() == 1);
            proxy.faults().add(FaultConfig.httpStatus(503).named("left-on"));
            fail("fails on purpose, with its fault on and its tunnel open");
        }

        @Test
        @Order(2)
        void startsWithOnlyTheFilesFaults(Sluice proxy) {
            assertEquals(List.of("from-file"), proxy.faults().list().stream().map(ActiveFault::name).toList());
            Clients.get(proxy.uri("http", "/hello")); // a 200, not the 503 the fault answered
            assertEquals(1, proxy.tunnels().open(), "the tunnel the first test left is reported, not closed");
        }

        @AfterAll
        static void closeClient() {
            if (client != null) {
                client.abort();
            }
        }
    }

    @InnerTests.Inner
    static class WithRegisteredExtension extends LeavesThingsBehind {
        @RegisterExtension
        static SluiceExtension sluice = SluiceExtension.fromYaml("sluice-reset-test.yaml");
    }

    @InnerTests.Inner
    @SluiceTest(config = "sluice-reset-test.yaml")
    static class WithAnnotation extends LeavesThingsBehind {
    }
}
