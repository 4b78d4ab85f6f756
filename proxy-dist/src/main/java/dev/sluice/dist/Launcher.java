package dev.sluice.dist;

import dev.sluice.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.SluiceConfig;
import dev.sluice.dist.CommandLine.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one command line to an exit code: parse, load and validate the configuration, then
 * either report ({@code --check}) or start the proxy and serve until TERM or INT.
 *
 * <p>Operators read stderr, so failures there are the message only: config problems as
 * {@code FILE:LINE:COLUMN: key: message} lines, a {@link SluiceException} as its text; a stack
 * trace is printed only for what must be a bug.
 */
public final class Launcher {
    /** The proxy ran and stopped cleanly, or an informational command succeeded. */
    public static final int EXIT_OK = 0;
    /** The proxy could not start or failed while running (e.g. a port is taken). */
    public static final int EXIT_RUNTIME_FAILURE = 1;
    /** The command line or the configuration is wrong; nothing was started. */
    public static final int EXIT_BAD_INPUT = 2;

    private static final Logger log = LoggerFactory.getLogger(Launcher.class);

    private final PrintStream out;
    private final PrintStream err;
    private final Path home;

    Launcher(PrintStream out, PrintStream err, Path home) {
        this.out = out;
        this.err = err;
        this.home = home;
    }

    /** Standard streams, and SLUICE_HOME as {@code bin/sluice} passes it. */
    static Launcher forThisProcess() {
        return new Launcher(System.out, System.err, home(System.getProperty("sluice.home"), System.getenv("SLUICE_HOME")));
    }

    /** The system property {@code sluice.home}, else the SLUICE_HOME variable, else the current directory. */
    static Path home(String property, String environment) {
        for (String candidate : new String[] {property, environment}) {
            if (candidate != null && !candidate.isBlank()) {
                return Path.of(candidate);
            }
        }
        return Path.of("");
    }

    public int run(String... args) {
        CommandLine commandLine;
        try {
            commandLine = CommandLine.parse(args);
        } catch (UsageException e) {
            err.println("sluice: " + e.getMessage());
            err.println("Try 'sluice --help' for usage.");
            return EXIT_BAD_INPUT;
        }
        try {
            return switch (commandLine.action()) {
                case HELP -> print(CommandLine.USAGE);
                case VERSION -> print("sluice " + Version.current());
                case CHECK, RUN -> loadAndRun(commandLine);
            };
        } catch (RuntimeException e) {
            err.println("sluice: unexpected failure, please report it with this trace:");
            e.printStackTrace(err);
            return EXIT_RUNTIME_FAILURE;
        }
    }

    private int print(String text) {
        out.println(text);
        return EXIT_OK;
    }

    private int loadAndRun(CommandLine commandLine) {
        Path file = commandLine.config().orElseGet(() -> home.resolve("conf").resolve("sluice.yaml"));
        SluiceConfig config;
        try {
            // relative paths in it (certificates, keys, CA files, the access log) are against the distribution's home
            config = ConfigLoader.load(file, home);
        } catch (ConfigException e) {
            for (ConfigProblem problem : e.problems()) {
                err.println(problem);
            }
            return EXIT_BAD_INPUT;
        }
        if (commandLine.action() == CommandLine.Action.CHECK) {
            // like nginx -t: every file it reads is read (each key against its certificate), every file it writes opened
            List<String> problems = Sluice.check(config);
            if (!problems.isEmpty()) {
                problems.forEach(err::println);
                return EXIT_BAD_INPUT;
            }
            return print("configuration ok");
        }
        return serve(file, config);
    }

    /** SIGHUP: the file read again and checked whole; a bad one is reported (by Sluice) and the running config stays. */
    private static synchronized void reload(Sluice sluice) {
        try {
            sluice.reload();
        } catch (ConfigException | SluiceException e) {
            // logged with every problem where it was found
        } catch (IllegalStateException e) {
            log.error("SLU0017 cannot reload on SIGHUP: {}", e.getMessage());
        }
    }

    /** Starts the proxy and blocks until TERM or INT, then drains and stops it. */
    private int serve(Path file, SluiceConfig config) {
        StopSignals signals = new StopSignals();
        signals.install(); // before start, so a signal during start-up still stops cleanly afterwards
        log.info("sluice {} starting with {}", Version.current(), file.toAbsolutePath().normalize());
        Sluice sluice;
        try {
            sluice = Sluice.start(config, home);
        } catch (SluiceException e) {
            err.println(e.getMessage());
            return EXIT_RUNTIME_FAILURE;
        }
        signals.onReload(() -> reload(sluice));
        signals.onReopen(sluice::reopenLogs);
        try {
            String signal = signals.await();
            log.info("received {}: draining and stopping", signal);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("interrupted: draining and stopping");
        }
        try {
            sluice.close();
        } catch (SluiceException e) {
            err.println(e.getMessage());
            return EXIT_RUNTIME_FAILURE;
        }
        return EXIT_OK; // Sluice itself logs that it stopped
    }
}
