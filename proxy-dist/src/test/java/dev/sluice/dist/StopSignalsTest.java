package dev.sluice.dist;

import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

class StopSignalsTest {

    @Test
    void interruptSignalWakesTheWaiterWithItsName() throws Exception {
        // Ctrl-C in a terminal: the main thread must wake up and learn why (the TERM path runs in DistributionIT).
        StopSignals signals = new StopSignals();
        signals.install();
        CompletableFuture<String> woken = CompletableFuture.supplyAsync(() -> {
            try {
                return signals.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            Signal.raise(new Signal("INT"));
            assertEquals("SIGINT", woken.get(10, TimeUnit.SECONDS));
        } finally {
            Signal.handle(new Signal("INT"), SignalHandler.SIG_DFL); // Ctrl-C on the build must stop this test JVM again
        }
    }

    @Test
    void aHangUpWhileTheProxyStartsReloadsOnceItHasStarted() {
        // "listening" is logged a moment before start-up ends: a reload asked for then (a script
        // waiting for that line, systemd's ExecReload) runs once the reload action is there; two
        // such signals make one reload, which reads the file as it is by then.
        StopSignals signals = new StopSignals();
        AtomicInteger reloads = new AtomicInteger();
        signals.hangUp();
        signals.hangUp();
        signals.onReload(reloads::incrementAndGet);
        await("the reload asked for while starting").atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 1);

        signals.hangUp();
        await("one more reload, and no other").atMost(Duration.ofSeconds(10)).during(Duration.ofMillis(300))
                .until(() -> reloads.get() == 2);
    }
}
