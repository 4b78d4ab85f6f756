package dev.sluice.observe;

import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.Plural;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes access log lines to stdout or a file {@link OffThread off the IO threads}. When it
 * falls behind, lines are dropped and counted, and the count is reported in the log.
 */
public final class AccessLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    private static final int QUEUE_LINES = 8192;

    /** Touched only by the writer thread once the log is open. */
    private Writer out;
    /** The file written, or null for stdout. */
    private final Path file;
    private final AccessFormat format;
    private final OffThread writer;
    /** Set once a write failed: the log is off from then on (touched only by the writer thread). */
    private boolean broken;

    private AccessLog(Writer out, Path file, AccessFormat format) {
        this.out = out;
        this.file = file;
        this.format = format;
        this.writer = new OffThread("sluice-access-log", QUEUE_LINES, this::flush,
                lost -> log.warn("SLU0101 access log fell behind: {} dropped", Plural.of(lost, "line")));
    }

    /** The configured access log, or null when it is off. */
    public static AccessLog open(AccessLogConfig config) throws IOException {
        AccessFormat format = config.format() == AccessLogConfig.Format.JSON ? AccessFormat.JSON : AccessFormat.COMBINED;
        return switch (config.target()) {
            case OFF -> null;
            case STDOUT -> new AccessLog(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)),
                    null, format);
            case FILE -> new AccessLog(openFile(config.file()), config.file(), format);
        };
    }

    private static Writer openFile(Path file) throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    /**
     * Opens the file again by its name, as logrotate expects after it renamed it (SIGUSR1): the
     * lines queued before go to the old file, the next ones to the new. A log that broke on a
     * write failure (a full disk) works again if the file opens. Nothing to do for stdout.
     */
    public void reopen() {
        if (file == null) {
            return;
        }
        writer.offer(() -> {
            try {
                out.close();
            } catch (IOException e) {
                // the old file's last lines are lost with it; the new one starts clean
            }
            try {
                out = openFile(file);
                broken = false;
                log.info("SLU0103 access log reopened: {}", file);
            } catch (IOException e) {
                failed(e);
            }
        });
    }

    /** Queues one entry, to be formatted and written on the log's own thread; never blocks. */
    public void write(AccessEntry entry) {
        writer.offer(() -> {
            if (broken) {
                return;
            }
            try {
                out.write(format.format(entry));
                out.write('\n');
            } catch (IOException e) {
                failed(e);
            }
        });
    }

    private void flush() {
        if (broken) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            failed(e);
        }
    }

    private void failed(IOException e) {
        broken = true;
        log.error("SLU0102 cannot write the access log, it is off from now on: {}", e.getMessage());
    }

    /** Writes what is queued and stops the writer thread. */
    @Override
    public void close() {
        writer.close();
    }
}
