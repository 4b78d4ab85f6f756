package dev.sluice.dist;

import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Turns SIGTERM and SIGINT into a wake-up for the main thread, which then drains and stops
 * the proxy and lets {@code main} return 0.
 *
 * <p>Why not a shutdown hook: the JVM runs hooks on its way out and then exits with 128+signal
 * (143 for TERM), so a clean, drained stop would still look like a failure to systemd,
 * Kubernetes or a shell. Handling the signals ourselves keeps the exit code ours.
 * SIGHUP keeps the JVM default for now (reload is not wired yet).
 */
final class StopSignals {
    private static final List<String> STOP = List.of("TERM", "INT");

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String received = "";

    /** Takes over TERM and INT from the JVM; a signal the JVM will not hand over (e.g. under -Xrs) keeps its default. */
    void install() {
        for (String name : STOP) {
            try {
                Signal.handle(new Signal(name), this::onSignal);
            } catch (IllegalArgumentException e) {
                // The platform or the JVM options reserve this signal; its default still stops the process.
            }
        }
    }

    /** Blocks until a stop signal arrives and returns its name, e.g. {@code SIGTERM}. */
    String await() throws InterruptedException {
        stop.await();
        return received;
    }

    /** Runs on the JVM's signal thread: only record and wake, the main thread does the work. */
    private void onSignal(Signal signal) {
        if (received.isEmpty()) {
            received = "SIG" + signal.getName();
        }
        stop.countDown();
    }
}
