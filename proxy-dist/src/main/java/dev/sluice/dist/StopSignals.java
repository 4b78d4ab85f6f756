package dev.sluice.dist;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Turns SIGTERM and SIGINT into a wake-up for the main thread, which then drains and stops
 * the proxy and lets {@code main} return 0.
 *
 * <p>Why not a shutdown hook: the JVM runs hooks on its way out and then exits with 128+signal
 * (143 for TERM), so a clean, drained stop would still look like a failure to systemd,
 * Kubernetes or a shell. Handling the signals ourselves keeps the exit code ours.
 * A second TERM or INT during the drain stops at once, as operators expect of a second
 * Ctrl-C. SIGHUP (whose JVM default is to die without draining) runs the reload action, on a
 * thread of its own: the signal thread must not wait for a file to be read. A SIGHUP that comes
 * while the proxy is still starting is kept, and reloads once it has started: "listening" is
 * logged a moment before start-up ends, and a reload asked for then must not be lost. SIGUSR1
 * (whose default also kills: exit 138) reopens the log files, as nginx does for logrotate.
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);
    private static final List<String> STOP = List.of("TERM", "INT");
    /** Exit code of a stop that skipped the drain. */
    private static final int EXIT_NOT_DRAINED = 1;

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String received = "";
    private Runnable reload;            // null until the proxy has started; guarded by this
    private boolean reloadAskedEarly;   // a SIGHUP came before that; guarded by this
    private volatile Runnable reopen = () -> { };

    /** Takes over TERM and INT from the JVM; a signal the JVM will not hand over (e.g. under -Xrs) keeps its default. */
    void install() {
        for (String name : STOP) {
            try {
                Signal.handle(new Signal(name), this::onSignal);
            } catch (IllegalArgumentException e) {
                // The platform or the JVM options reserve this signal; its default still stops the process.
            }
        }
        try {
            if (Signal.handle(new Signal("HUP"), signal -> hangUp()) == SignalHandler.SIG_IGN) {
                // Ignored since the process started (nohup, where bin/sluice could not undo it): the JVM keeps it so.
                log.warn("SLU0019 SIGHUP is ignored in this process (started under nohup?): kill -HUP will not"
                        + " reload; use POST /reload on the admin API, or start it with setsid or a service manager");
            }
        } catch (IllegalArgumentException e) {
            // HUP is reserved here; its default applies.
        }
        try {
            Signal.handle(new Signal("USR1"), signal -> reopen.run()); // only queues work: fine on the signal thread
        } catch (IllegalArgumentException e) {
            // USR1 is reserved here (the JVM under some options); its default applies.
        }
    }

    /** What SIGUSR1 does from now on. */
    void onReopen(Runnable action) {
        this.reopen = action;
    }

    /** What SIGHUP does from now on; at once, too, if one came while the proxy was starting. */
    synchronized void onReload(Runnable action) {
        this.reload = action;
        if (reloadAskedEarly) {
            reloadAskedEarly = false;
            runAside(action);
        }
    }

    /** SIGHUP: reload now, or once the proxy has started. */
    synchronized void hangUp() {
        if (reload != null) {
            runAside(reload);
        } else if (!reloadAskedEarly) {
            reloadAskedEarly = true;
            log.warn("SLU0016 SIGHUP received while the proxy was starting: it reloads once started");
        }
    }

    private static void runAside(Runnable action) {
        Thread thread = new Thread(action, "sluice-reload");
        thread.setDaemon(true);
        thread.start();
    }

    /** Blocks until a stop signal arrives and returns its name, e.g. {@code SIGTERM}. */
    String await() throws InterruptedException {
        stop.await();
        return received;
    }

    /** Runs on the JVM's signal thread: only record and wake, the main thread does the work. */
    private void onSignal(Signal signal) {
        if (!received.isEmpty()) {
            System.err.println("sluice: second SIG" + signal.getName() + ", stopping without draining");
            Runtime.getRuntime().halt(EXIT_NOT_DRAINED);
        }
        received = "SIG" + signal.getName();
        stop.countDown();
    }
}
