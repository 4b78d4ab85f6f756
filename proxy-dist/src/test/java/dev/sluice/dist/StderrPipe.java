package dev.sluice.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process's stderr left as the pipe it is: read up to a line (the port it listens on),
 * then not read at all, so the pipe's buffer (64 KiB on Linux) fills and every write to it
 * waits, as with a stuck terminal or log shipper; later drained to see what got through.
 */
final class StderrPipe implements AutoCloseable {
    private final BufferedReader pipe;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ExecutorService reader = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "stderr pipe reader");
        thread.setDaemon(true);
        return thread;
    });

    StderrPipe(Process process) {
        this.pipe = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    }

    /** Reads lines until one matches {@code pattern}, and no further. */
    Matcher readUntil(Pattern pattern, Duration timeout) throws Exception {
        return reader.submit(() -> {
            for (String line = pipe.readLine(); line != null; line = pipe.readLine()) {
                lines.add(line);
                Matcher match = pattern.matcher(line);
                if (match.find()) {
                    return match;
                }
            }
            throw new IllegalStateException("stderr ended before a line like " + pattern + ":\n" + String.join("\n", lines));
        }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** From now on reads everything, into {@link #lines()}. */
    void drain() {
        reader.execute(() -> {
            try {
                for (String line = pipe.readLine(); line != null; line = pipe.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Every line read so far. */
    List<String> lines() {
        return lines;
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
