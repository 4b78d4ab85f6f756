package dev.sluice.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a fixed number of pseudo-random bytes to a stream on a thread of its own, remembering
 * how far it got and when it last got further (so a test can see it stall) and the SHA-256 of
 * what it wrote (so the reader can prove nothing was lost, added or reordered).
 */
final class ProgressWriter {
    private static final int CHUNK = 64 * 1024;

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());
    private final CompletableFuture<byte[]> digest = new CompletableFuture<>();

    private ProgressWriter() {
    }

    static ProgressWriter start(OutputStream out, long total, long seed) {
        ProgressWriter writer = new ProgressWriter();
        Thread thread = new Thread(() -> writer.run(out, total, seed), "progress-writer");
        thread.setDaemon(true);
        thread.start();
        return writer;
    }

    long written() {
        return written.get();
    }

    /** How long since the last write call returned. */
    Duration sinceProgress() {
        return Duration.ofNanos(System.nanoTime() - lastProgressNanos.get());
    }

    boolean isDone() {
        return digest.isDone();
    }

    /** SHA-256 of everything written, once all of it was; fails when it does not finish in time. */
    byte[] awaitDigest(Duration within) throws Exception {
        return digest.get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run(OutputStream out, long total, long seed) {
        try {
            MessageDigest sha = sha256();
            Random random = new Random(seed);
            byte[] chunk = new byte[CHUNK];
            while (written.get() < total) {
                int n = (int) Math.min(CHUNK, total - written.get());
                random.nextBytes(chunk);
                out.write(chunk, 0, n);
                sha.update(chunk, 0, n);
                written.addAndGet(n);
                lastProgressNanos.set(System.nanoTime());
            }
            out.flush();
            digest.complete(sha.digest());
        } catch (IOException | RuntimeException e) {
            digest.completeExceptionally(e);
        }
    }

    /** Reads exactly {@code total} bytes and returns their SHA-256; throws on EOF or a stalled read. */
    static byte[] readDigest(InputStream in, long total) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[CHUNK];
        long read = 0;
        while (read < total) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, total - read));
            if (n < 0) {
                throw new IOException("connection closed after " + read + " of " + total + " bytes");
            }
            sha.update(buffer, 0, n);
            read += n;
        }
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
