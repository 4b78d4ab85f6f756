package dev.sluice.upstream;

import dev.sluice.config.HealthCheckConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendReply;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.RawBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks on a schedule against real servers: rise and fall, one check at a time, and a stop that is final. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthChecksIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestIo io = new TestIo();
    private final List<Change> changes = new CopyOnWriteArrayList<>();

    record Change(TestIo.Server target, boolean up, int count, CheckResult last) {
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        io.close();
    }

    // Each answer is counted by the responder that gave it; the listener notes how many 503s
    // (then 200s) had been answered when it was called, which is how many checks decided it.
    @Test
    void goesDownAfterUnhealthyFailuresInARowAndUpAfterHealthySuccesses() throws Exception {
        Counting ok = new Counting(200);
        Counting failing = new Counting(503);
        Counting recovered = new Counting(200);
        List<Integer> answeredAtChange = new CopyOnWriteArrayList<>();
        try (HttpBackend backend = HttpBackend.start(ok)) {
            TestIo.Server server = TestIo.server(backend.uri());
            HealthChecks<TestIo.Server> checks = new HealthChecks<>(config(Duration.ofMillis(50), Duration.ofSeconds(2)),
                    List.of(server), io.worker, io.bufferPool, (target, up, count, last) -> {
                        answeredAtChange.add(up ? recovered.answered.get() : failing.answered.get());
                        changes.add(new Change(target, up, count, last));
                    });
            checks.start();
            await().atMost(WAIT).until(() -> ok.answered.get() >= 2);
            assertEquals(List.of(), changes, "a healthy server starts up and stays up without a word");

            backend.respondWith(failing);
            await().atMost(WAIT).until(() -> changes.size() == 1);
            assertEquals(new Change(server, false, 3, CheckResult.unhealthy("status 503")), changes.get(0));
            assertEquals(3, answeredAtChange.get(0));

            backend.respondWith(recovered);
            await().atMost(WAIT).until(() -> changes.size() == 2);
            assertEquals(new Change(server, true, 2, CheckResult.healthy("status 200")), changes.get(1));
            assertEquals(2, answeredAtChange.get(1));

            await().atMost(WAIT).until(() -> recovered.answered.get() >= 5);
            checks.stop();
            assertEquals(2, changes.size(), () -> "one call per change: " + changes);
        }
    }

    // The timeout is longer than the interval, so every next check is due while one hangs; it
    // waits for that one to end. Each connection the backend accepts looks back at the one before:
    // that one's end (the check's FIN) reached the backend before this connection did, so it
    // is seen at once unless the two overlap.
    @Test
    void aHangingServerNeverHasMoreThanOneCheckInFlight() throws Exception {
        List<CompletableFuture<Void>> ends = new CopyOnWriteArrayList<>();
        AtomicInteger overlaps = new AtomicInteger();
        try (RawBackend backend = RawBackend.start((peer, head) -> {
            if (!ends.isEmpty()) {
                try {
                    ends.get(ends.size() - 1).get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillOpen) {
                    overlaps.incrementAndGet();
                }
            }
            CompletableFuture<Void> end = new CompletableFuture<>();
            ends.add(end);
            try {
                peer.awaitEnd(WAIT);
            } finally {
                end.complete(null);
            }
        })) {
            TestIo.Server server = TestIo.server(backend.uri());
            HealthChecks<TestIo.Server> checks = new HealthChecks<>(config(Duration.ofMillis(50), Duration.ofSeconds(1)),
                    List.of(server), io.worker, io.bufferPool, this::changed);
            checks.start();
            await().atMost(WAIT).until(() -> ends.size() >= 4); // each one looked back before it was added
            checks.stop();

            assertEquals(0, overlaps.get(), "check connections that overlapped the one before");
            assertEquals(new Change(server, false, 3, CheckResult.unhealthy("no answer within 1s")), changes.get(0));
            assertEquals(List.of(), backend.failures());
        }
    }

    // stop() closes the check in flight at once (its timeout is far off), ignores its result
    // (with unhealthy = 1 it would have marked the server down), and starts no other check.
    @Test
    void stopEndsTheCheckInFlightAndStartsNoMore() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) -> { })) {
            HealthCheckConfig config = new HealthCheckConfig("/health", null, Duration.ofMillis(50),
                    Duration.ofSeconds(30), 1, 1);
            HealthChecks<TestIo.Server> checks = new HealthChecks<>(config, List.of(TestIo.server(backend.uri())),
                    io.worker, io.bufferPool, this::changed);
            checks.start();
            await().atMost(WAIT).until(() -> backend.requests() == 1);

            checks.stop();

            assertTrue(backend.nextConnectionEnd(WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).peerClosed(),
                    "the check in flight was closed");
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> backend.connections() == 1);
            assertEquals(List.of(), changes);
        }
    }

    // Two servers, each on its own schedule: one failing does not touch the other.
    @Test
    void eachServerHasItsOwnState() throws Exception {
        Counting goodAnswers = new Counting(200);
        try (HttpBackend good = HttpBackend.start(goodAnswers);
             HttpBackend bad = HttpBackend.start(HttpBackendResponder.text(500, "broken"))) {
            TestIo.Server goodServer = TestIo.server(good.uri());
            TestIo.Server badServer = TestIo.server(bad.uri());
            HealthChecks<TestIo.Server> checks = new HealthChecks<>(config(Duration.ofMillis(50), Duration.ofSeconds(2)),
                    List.of(goodServer, badServer), io.worker, io.bufferPool, this::changed);
            checks.start();
            await().atMost(WAIT).until(() -> changes.size() == 1);
            int goodSoFar = goodAnswers.answered.get();
            await().atMost(WAIT).until(() -> goodAnswers.answered.get() >= goodSoFar + 3);
            checks.stop();
            assertEquals(List.of(new Change(badServer, false, 3, CheckResult.unhealthy("status 500"))), changes);
        }
    }

    private void changed(TestIo.Server target, boolean up, int count, CheckResult last) {
        changes.add(new Change(target, up, count, last));
    }

    private static HealthCheckConfig config(Duration interval, Duration timeout) {
        return new HealthCheckConfig("/health", null, interval, timeout, 2, 3);
    }

    /** Answers every check with one status and counts its answers. */
    private static final class Counting implements HttpBackendResponder {
        final AtomicInteger answered = new AtomicInteger();
        private final int status;

        Counting(int status) {
            this.status = status;
        }

        @Override
        public void respond(HttpBackendRequest request, HttpBackendReply reply) throws Exception {
            answered.incrementAndGet();
            reply.status(status).send("status " + status);
        }
    }
}
