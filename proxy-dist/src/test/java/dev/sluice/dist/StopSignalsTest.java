package dev.sluice.dist;

import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
}
