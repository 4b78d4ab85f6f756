package dev.sluice.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@code bin/sluice} process of the built distribution, started as a user would (its own
 * JAVA_HOME, no JAVA_OPTS or SLUICE_HOME from the test's environment), with its output in files,
 * and the ports it logged.
 */
record LaunchedSluice(Process process, Path stdoutFile, Path stderrFile) {
    static final Path DIST = Path.of(System.getProperty("sluice.distribution", "target/sluice")).toAbsolutePath();
    static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    static final Pattern ADMIN = Pattern.compile("admin API on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30); // a cold JVM on a busy 2-core machine

    /**
     * Runs {@code launcher} with {@code args} in {@code dir} (not the module folder: the launcher
     * must not depend on it); output goes to {@code dir/stdout-NAME.txt} and {@code stderr-NAME.txt}.
     */
    static LaunchedSluice launch(Path dir, String name, Path launcher, String... args) throws IOException {
        return launch(dir, name, launcher, java.util.Map.of(), args);
    }

    /** The same with these environment variables set for it (e.g. SLUICE_LISTEN, which the shipped file reads). */
    static LaunchedSluice launch(Path dir, String name, Path launcher, java.util.Map<String, String> env, String... args)
            throws IOException {
        Path stdout = dir.resolve("stdout-" + name + ".txt");
        Path stderr = dir.resolve("stderr-" + name + ".txt");
        ProcessBuilder builder = processBuilder(dir, launcher, env, args)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        return new LaunchedSluice(builder.start(), stdout, stderr);
    }

    /** {@code launcher} with {@code args} in {@code dir}, stdin empty, as a user starts it; output not yet redirected. */
    static ProcessBuilder processBuilder(Path dir, Path launcher, java.util.Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("SLUICE_HOME");
        builder.environment().putAll(env);
        return builder;
    }

    /** The port from the first {@code listening on http://127.0.0.1:PORT} log line. */
    int awaitListeningPort() {
        return awaitPort(LISTENING);
    }

    /** The port from the first log line {@code pattern} matches; fails at once if the process died. */
    int awaitPort(Pattern pattern) {
        return await("a log line like " + pattern).atMost(START_TIMEOUT).until(() -> {
            Matcher m = pattern.matcher(stderr() + stdout());
            if (m.find()) {
                return Optional.of(Integer.parseInt(m.group(1)));
            }
            if (!process.isAlive()) {
                fail("sluice exited with " + process.exitValue() + " before it listened:\n" + stderr() + stdout());
            }
            return Optional.<Integer>empty();
        }, Optional::isPresent).orElseThrow();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("sluice still running after " + timeout + ":\n" + stderr());
        }
        return process.exitValue();
    }

    /** Stops it the hard way if it still runs (the tests that check a clean stop send their own signal). */
    void kill(Duration timeout) throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    String stdout() {
        return read(stdoutFile);
    }

    String stderr() {
        return read(stderrFile);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
