package dev.sluice.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code curl} command line, for what the JDK's client cannot do (HTTP/2 prior knowledge, a
 * header sent twice over h2): one run, bounded to 10 s. Tests skip when curl is not installed
 * ({@code assumeTrue(Curl.available())}).
 */
public final class Curl {
    private Curl() {
    }

    /** Whether a curl that speaks HTTP/2 is on the PATH. */
    public static boolean available() {
        try {
            return run("--version").out().contains("HTTP2");
        } catch (IOException e) {
            return false;
        }
    }

    /** What a run printed, and how it ended. */
    public record Result(int exit, String out, String err) {
    }

    /** Runs {@code curl --silent --show-error --max-time 10} with these arguments. */
    public static Result run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "10"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("curl did not end within 15 s: " + command);
            }
            return new Result(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
