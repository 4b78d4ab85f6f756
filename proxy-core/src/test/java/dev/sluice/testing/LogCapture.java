package dev.sluice.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what the tests' logging writes, while still passing it on. slf4j-simple (and Undertow
 * and XNIO through jboss-logging's slf4j provider) write to whatever {@code System.err} is at
 * the time of each line, so this swaps in a copying stream until {@link #close()}.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.start()) {
 *     ... drive the proxy ...
 *     assertEquals(List.of(), log.stackTraces());
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        this.original = System.err;
        System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    }

    /** Starts recording System.err; close to stop. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** Every line written so far. */
    public List<String> lines() {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        return text.isEmpty() ? List.of() : List.of(text.split("\r?\n"));
    }

    /**
     * One entry per stack trace in the log: the line logged with it and the exception's own
     * line (a trace is the lines starting with a tab and "at" under them).
     */
    public List<String> stackTraces() {
        List<String> lines = lines();
        List<String> traces = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (isFrame(lines.get(i)) && !isFrame(lines.get(i - 1)) && !lines.get(i - 1).startsWith("Caused by")) {
                String exception = lines.get(i - 1);
                String logged = i >= 2 ? lines.get(i - 2) : "";
                traces.add(logged + " / " + exception);
            }
        }
        return traces;
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    private static boolean isFrame(String line) {
        return line.startsWith("\tat ") || line.startsWith("\t... ");
    }

    /** Writes to the original stream and to the record. */
    private static final class Tee extends OutputStream {
        private final OutputStream out;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream out, ByteArrayOutputStream copy) {
            this.out = out;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            synchronized (out) {
                try {
                    out.write(b);
                } catch (IOException ignored) {
                    // the original stream's trouble is not the test's
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            synchronized (out) {
                try {
                    out.write(b, off, len);
                } catch (IOException ignored) {
                    // the original stream's trouble is not the test's
                }
            }
        }

        @Override
        public void flush() {
            try {
                out.flush();
            } catch (IOException ignored) {
                // as above
            }
        }
    }
}
