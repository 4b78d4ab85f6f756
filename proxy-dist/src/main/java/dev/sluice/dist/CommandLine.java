package dev.sluice.dist;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the user asked for on the command line. Parsing is pure (no files, no environment) so
 * every spelling can be unit-tested; {@link Launcher} decides what the defaults mean.
 *
 * @param action what to do
 * @param config the file given with {@code -c}/{@code --config}; empty means the default file
 */
record CommandLine(Action action, Optional<Path> config) {

    enum Action { RUN, CHECK, VERSION, HELP }

    static final String USAGE = """
            Usage: sluice [-c FILE | --config FILE]   run the proxy
                   sluice --check [-c FILE]           validate the configuration only
                   sluice --version | --help

            FILE defaults to $SLUICE_HOME/conf/sluice.yaml.
            Signals: TERM or INT drains and stops the proxy (a second one stops at once);
                     HUP reloads FILE; USR1 reopens the access log file (logrotate).
            Exit codes: 0 stopped cleanly, 1 runtime failure (e.g. a port is taken),
                        2 bad command line or bad configuration.
            Environment of bin/sluice: JAVA_HOME (else java on the PATH), JAVA_OPTS.""";

    /** The command line cannot be understood; the message says which argument and why. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Reads every argument before deciding, so a typo is reported even next to {@code --help};
     * then {@code --help} wins over {@code --version}, which wins over {@code --check}.
     */
    static CommandLine parse(String... args) throws UsageException {
        boolean help = false;
        boolean version = false;
        boolean check = false;
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String file = null;
            switch (arg) {
                case "-h", "--help" -> help = true;
                case "--version" -> version = true;
                case "--check" -> check = true;
                case "-c", "--config" -> {
                    // A following option means the FILE was forgotten; "./-odd.yaml" still works.
                    if (i + 1 == args.length || args[i + 1].startsWith("-")) {
                        throw new UsageException("option '" + arg + "' needs a FILE argument");
                    }
                    file = args[++i];
                }
                default -> {
                    if (arg.startsWith("--config=")) {
                        file = arg.substring("--config=".length());
                        if (file.isEmpty()) {
                            throw new UsageException("option '--config=' needs a FILE argument");
                        }
                    } else if (arg.startsWith("-")) {
                        throw new UsageException("unknown option '" + arg + "'");
                    } else {
                        throw new UsageException("unexpected argument '" + arg + "' (a configuration file is given with -c FILE)");
                    }
                }
            }
            if (file != null) {
                if (config != null) {
                    throw new UsageException("the configuration file is given twice ('" + config + "' and '" + file + "')");
                }
                try {
                    config = Path.of(file);
                } catch (InvalidPathException e) {
                    throw new UsageException("'" + file + "' is not a file name: " + e.getReason());
                }
            }
        }
        Action action = help ? Action.HELP : version ? Action.VERSION : check ? Action.CHECK : Action.RUN;
        return new CommandLine(action, Optional.ofNullable(config));
    }
}
