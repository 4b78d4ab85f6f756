package dev.sluice.junit;

import dev.sluice.Sluice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SluiceExtension} registered with @RegisterExtension, run on inner test classes. */
class SluiceExtensionIT {
    /** The proxies the inner tests saw, in the order they ran. */
    static final List<Sluice> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void forgetProxies() {
        seen.clear();
    }

    // A static field: one proxy serves both tests (a real GET through it to a backend that a @BeforeAll
    // method started after the extension was made), and its port refuses once the class is done.
    @Test
    void staticFieldRunsOneProxyForTheWholeClass() {
        InnerTests.runPassing(PerClass.class, 2);

        assertEquals(2, seen.size());
        assertSame(seen.get(0), seen.get(1));
        assertTrue(Clients.refuses(seen.get(0).port()), "the proxy's port refuses after the class");
    }

    // An instance field: each test gets a proxy of its own, and the first test's is closed (its port
    // refuses) by the time the second test runs; both are closed after the class.
    @Test
    void instanceFieldRunsOneProxyPerTest() {
        InnerTests.runPassing(PerTest.class, 2);

        assertEquals(2, seen.size());
        assertNotSame(seen.get(0), seen.get(1));
        assertTrue(Clients.refuses(seen.get(0).port()));
        assertTrue(Clients.refuses(seen.get(1).port()));
    }

    // Constructors, @BeforeEach and test methods get the proxy as a Sluice parameter and its URIs as
    // @SluiceUri URI parameters; the http one reaches the backend.
    @Test
    void injectsTheProxyAndItsUris() {
        InnerTests.runPassing(Injected.class, 1);
    }

    // The proxy is used outside its class (a static field) or test (an instance field): a clear error.
    @Test
    void proxyOutsideItsScopeIsRefused() {
        SluiceExtension sluice = SluiceExtension.of(() -> Sluice.builder().route("/", URI.create("http://127.0.0.1:1")));

        IllegalStateException e = assertThrows(IllegalStateException.class, sluice::proxy);
        assertTrue(e.getMessage().contains("@RegisterExtension"), e.getMessage());
    }

    /** A backend for an inner class, started by its @BeforeAll as a test author would. */
    abstract static class WithBackend {
        static JdkBackend backend;

        @BeforeAll
        static void startBackend() {
            backend = JdkBackend.start();
        }

        @AfterAll
        static void stopBackend() {
            backend.close();
        }
    }

    @InnerTests.Inner
    static class PerClass extends WithBackend {
        @RegisterExtension
        static SluiceExtension sluice = SluiceExtension.of(() -> Sluice.builder().route("/", backend.uri()));

        @Test
        void first() {
            assertEquals("backend saw /first", Clients.get(sluice.uri("http", "/first")));
            seen.add(sluice.proxy());
        }

        @Test
        void second() {
            assertEquals("backend saw /second", Clients.get(sluice.uri("http", "/second")));
            seen.add(sluice.proxy());
        }
    }

    @InnerTests.Inner
    static class PerTest extends WithBackend {
        @RegisterExtension
        SluiceExtension sluice = SluiceExtension.of(() -> Sluice.builder().route("/", backend.uri()));

        @Test
        void first() {
            check();
        }

        @Test
        void second() {
            check();
        }

        private void check() {
            for (Sluice earlier : seen) {
                assertTrue(Clients.refuses(earlier.port()), "the earlier test's proxy was closed");
            }
            assertEquals("backend saw /hello", Clients.get(sluice.uri("http", "/hello")));
            seen.add(sluice.proxy());
        }
    }

    @InnerTests.Inner
    static class Injected extends WithBackend {
        @RegisterExtension
        static SluiceExtension sluice = SluiceExtension.of(() -> Sluice.builder().route("/", backend.uri()));

        private final Sluice fromConstructor;
        private Sluice fromBeforeEach;

        Injected(Sluice proxy) {
            this.fromConstructor = proxy;
        }

        @BeforeEach
        void beforeEach(Sluice proxy) {
            this.fromBeforeEach = proxy;
        }

        @Test
        void test(Sluice proxy, @SluiceUri(scheme = "ws", path = "/chat") URI chat, @SluiceUri(path = "/hello") URI hello) {
            assertSame(sluice.proxy(), proxy);
            assertSame(proxy, fromConstructor);
            assertSame(proxy, fromBeforeEach);
            assertEquals(URI.create("ws://127.0.0.1:" + proxy.port() + "/chat"), chat);
            assertEquals("backend saw /hello", Clients.get(hello));
        }
    }
}
