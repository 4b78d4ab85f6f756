package dev.sluice.junit;

import dev.sluice.Sluice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The HAR file a failed test leaves behind, for inner test classes run with sluice.har.dir set. */
class HarOnFailureIT {
    @TempDir
    Path dir;

    // A test that fails after a GET through the class's proxy leaves DIR/<class>/<method>.har with that
    // request, and not the request of the test before it (each test's recording starts empty); its
    // path is the report entry sluice.har; the test that passed leaves no file.
    @Test
    void failedTestLeavesAHarFileWithItsOwnTraffic() throws IOException {
        EngineExecutionResults results = InnerTests.run(FailsAfterAGet.class, Map.of(HarOnFailure.DIRECTORY, dir.toString()));

        assertEquals(1, results.testEvents().failed().count());
        assertEquals(1, results.testEvents().succeeded().count());
        Path classDir = dir.resolve(FailsAfterAGet.class.getName());
        Path har = classDir.resolve("fails.har");
        String text = Files.readString(har);
        assertTrue(text.contains("\"log\"") && text.contains("/seen-in-the-har"), text);
        assertFalse(text.contains("/passes"), "the earlier test's request is not in this test's file");
        assertFalse(Files.exists(classDir.resolve("passes.har")));
        assertEquals(List.of(har.toString()), publishedHarFiles(results));
    }

    // A proxy from @SluiceTest's YAML records too: its failed test leaves a HAR file with its request.
    @Test
    void proxyFromYamlRecordsForTheHarFile() throws IOException {
        EngineExecutionResults results = InnerTests.run(YamlFails.class, Map.of(HarOnFailure.DIRECTORY, dir.toString()));

        assertEquals(1, results.testEvents().failed().count());
        Path har = dir.resolve(YamlFails.class.getName()).resolve("fails.har");
        String text = Files.readString(har);
        assertTrue(text.contains("/from-yaml"), text);
        assertEquals(List.of(har.toString()), publishedHarFiles(results));
    }

    private static List<String> publishedHarFiles(EngineExecutionResults results) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(event -> event.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get(HarOnFailure.REPORT_KEY))
                .filter(Objects::nonNull)
                .toList();
    }

    /** GETs through the proxy and fails once the proxy has recorded the exchange. */
    static void getThenFail(Sluice proxy, URI uri) {
        Clients.get(uri);
        // The proxy records an exchange when it completes, just after the client has the answer.
        await().until(() -> proxy.recording().exchanges().stream()
                .anyMatch(exchange -> exchange.path().equals(uri.getPath())));
        fail("on purpose: the HAR file is what is tested");
    }

    @InnerTests.Inner
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FailsAfterAGet {
        static JdkBackend backend;

        @RegisterExtension
        static SluiceExtension sluice = SluiceExtension.of(() -> Sluice.builder().route("/", backend.uri()));

        @BeforeAll
        static void startBackend() {
            backend = JdkBackend.start();
        }

        @AfterAll
        static void stopBackend() {
            backend.close();
        }

        @Test
        @Order(1)
        void passes() {
            Clients.get(sluice.uri("http", "/passes"));
            await().until(() -> sluice.proxy().recording().exchanges().size() == 1);
        }

        @Test
        @Order(2)
        void fails() {
            getThenFail(sluice.proxy(), sluice.uri("http", "/seen-in-the-har"));
        }
    }

    @InnerTests.Inner
    @SluiceTest(config = "sluice-test.yaml")
    static class YamlFails extends SluiceTestIT.WithBackend {
        @Test
        void fails(Sluice proxy, @SluiceUri(path = "/from-yaml") URI uri) {
            getThenFail(proxy, uri);
        }
    }
}
