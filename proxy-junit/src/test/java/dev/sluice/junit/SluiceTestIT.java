package dev.sluice.junit;

import dev.sluice.Sluice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SluiceTest}: a proxy from a YAML resource, per class or per test, run on inner test classes. */
class SluiceTestIT {
    /** What sluice-test.yaml takes the backend's port from. */
    static final String PORT = "SLUICE_TEST_BACKEND_PORT";
    static final List<Sluice> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void forgetProxies() {
        seen.clear();
    }

    // The default, one proxy per class: both tests get the same one, injected into the constructor and
    // the test method; it reaches the backend whose port a @BeforeAll method put in a system property
    // for ${SLUICE_TEST_BACKEND_PORT}; its port refuses after the class.
    @Test
    void perClassProxyFromYamlOnTheClassPath() {
        InnerTests.runPassing(PerClass.class, 2);

        assertEquals(2, seen.size());
        assertSame(seen.get(0), seen.get(1));
        assertTrue(Clients.refuses(seen.get(0).port()), "the proxy's port refuses after the class");
    }

    // lifecycle = PER_METHOD: each test gets its own proxy (in its constructor too), and the first
    // test's port refuses by the time the second runs.
    @Test
    void perMethodProxyIsClosedAfterEachTest() {
        InnerTests.runPassing(PerMethod.class, 2);

        assertEquals(2, seen.size());
        assertNotSame(seen.get(0), seen.get(1));
        assertTrue(Clients.refuses(seen.get(1).port()));
    }

    // A config that is not there fails the test with a message naming it, once: nothing after it throws again.
    @Test
    void missingConfigFailsTheTestWithItsName() {
        EngineExecutionResults results = InnerTests.run(MissingConfig.class, Map.of());

        Event failed = results.testEvents().failed().stream().findFirst().orElseThrow();
        Throwable failure = InnerTests.failure(failed);
        assertTrue(failure.getMessage().contains("no-such-sluice.yaml is neither a class path resource nor a file"),
                failure.getMessage());
        assertEquals(0, failure.getSuppressed().length, "only that failure, once: closing up after it adds none");
        assertEquals(0, results.containerEvents().failed().count(), "the class itself did not fail");
    }

    /** A backend for an inner class, its port handed to the YAML through a system property. */
    abstract static class WithBackend {
        static JdkBackend backend;

        @BeforeAll
        static void startBackend() {
            backend = JdkBackend.start();
            System.setProperty(PORT, String.valueOf(backend.port()));
        }

        @AfterAll
        static void stopBackend() {
            System.clearProperty(PORT);
            backend.close();
        }
    }

    @InnerTests.Inner
    @SluiceTest(config = "sluice-test.yaml")
    static class PerClass extends WithBackend {
        private final Sluice proxy;

        PerClass(Sluice proxy) {
            this.proxy = proxy;
        }

        @Test
        void first(@SluiceUri(path = "/first") URI first) {
            assertEquals("backend saw /first", Clients.get(first));
            seen.add(proxy);
        }

        @Test
        void second(Sluice proxy, @SluiceUri(scheme = "ws", path = "/chat") URI chat) {
            assertSame(this.proxy, proxy);
            assertEquals(URI.create("ws://127.0.0.1:" + proxy.port() + "/chat"), chat);
            assertEquals("backend saw /second", Clients.get(proxy.uri("http", "/second")));
            seen.add(proxy);
        }
    }

    @InnerTests.Inner
    @SluiceTest(config = "sluice-test.yaml", lifecycle = SluiceTest.Lifecycle.PER_METHOD)
    static class PerMethod extends WithBackend {
        private final Sluice fromConstructor;

        PerMethod(Sluice proxy) {
            this.fromConstructor = proxy;
        }

        @Test
        void first(Sluice proxy, @SluiceUri(path = "/hello") URI hello) {
            check(proxy, hello);
        }

        @Test
        void second(Sluice proxy, @SluiceUri(path = "/hello") URI hello) {
            check(proxy, hello);
        }

        private void check(Sluice proxy, URI hello) {
            assertSame(fromConstructor, proxy);
            for (Sluice earlier : seen) {
                assertTrue(Clients.refuses(earlier.port()), "the earlier test's proxy was closed");
            }
            assertEquals("backend saw /hello", Clients.get(hello));
            seen.add(proxy);
        }
    }

    @InnerTests.Inner
    @SluiceTest(config = "no-such-sluice.yaml")
    static class MissingConfig {
        @Test
        void test(Sluice proxy) {
            seen.add(proxy);
        }
    }
}
