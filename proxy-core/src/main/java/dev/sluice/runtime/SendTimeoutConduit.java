package dev.sluice.runtime;

import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;

/**
 * {@code limits.send-timeout}, as nginx's {@code send_timeout}: a write to the client that
 * makes no progress for that long gives the connection up. The clock runs only while a writer
 * waits for the client to take bytes (writes resumed); a connection with nothing to send (an
 * SSE stream between events, a quiet WebSocket) is never cut, and a slow reader that keeps
 * taking bytes is not either.
 *
 * <p>Not XNIO's {@code Options.WRITE_TIMEOUT}: Undertow's conduit for it remembers the time of
 * the last write, so the first write after a quiet spell longer than the timeout closes the
 * connection (a WebSocket tunnel died on the first message after 1 s of silence with a
 * 300 ms timeout).
 *
 * <p>A write only notes the time; the one timer re-arms itself when it fires. On expiry the
 * owner's action runs (it closes what must be closed), and every later write or flush fails.
 */
public final class SendTimeoutConduit extends AbstractStreamSinkConduit<StreamSinkConduit>
        implements ProgressDeadline.Owner {
    private final long timeoutNanos;
    /** Made at the first wait for the client: most responses are written without one. */
    private ProgressDeadline deadline;
    private final Runnable onExpiry;
    private boolean expired;

    /**
     * @param onExpiry runs once, on the IO thread, when a write has stalled for the timeout
     */
    public SendTimeoutConduit(StreamSinkConduit next, Duration timeout, Runnable onExpiry) {
        super(next);
        this.timeoutNanos = timeout.toNanos();
        this.onExpiry = onExpiry;
    }

    /** What the owner logs: the client read nothing for the timeout. */
    public static String reason(Duration timeout) {
        return "the client took no bytes for " + timeout.toMillis() + " ms (limits.send-timeout)";
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkExpired();
        return seen(next.write(src));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
        checkExpired();
        return seen(next.write(srcs, offs, len));
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
        checkExpired();
        return seen(next.writeFinal(src));
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
        checkExpired();
        return seen(next.writeFinal(srcs, offs, len));
    }

    @Override
    public long transferFrom(FileChannel src, long position, long count) throws IOException {
        checkExpired();
        return seen(next.transferFrom(src, position, count));
    }

    @Override
    public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
        checkExpired();
        return seen(next.transferFrom(source, count, throughBuffer));
    }

    @Override
    public boolean flush() throws IOException {
        checkExpired();
        boolean flushed = next.flush();
        if (flushed) {
            progress();
        }
        return flushed;
    }

    @Override
    public void resumeWrites() {
        waitBegins();
        next.resumeWrites();
    }

    /**
     * Undertow wakes the writer at the end of every response, and the writer most often writes
     * it all and suspends: a timer armed here would be set and dropped per response. So the
     * clock starts in a task queued behind the wake-up, and only if the writer still waits once
     * it has run.
     */
    @Override
    public void wakeupWrites() {
        next.wakeupWrites();
        IoThreads.execute(next.getWriteThread(), this::stillWaiting);
    }

    private void stillWaiting() {
        if (!expired && next.isWriteResumed()) {
            waitBegins();
        }
    }

    @Override
    public void terminateWrites() throws IOException {
        cancel();
        next.terminateWrites();
    }

    @Override
    public void truncateWrites() throws IOException {
        cancel();
        next.truncateWrites();
    }

    private long seen(long written) {
        if (written > 0) {
            progress();
        }
        return written;
    }

    private int seen(int written) {
        return (int) seen((long) written);
    }

    private void checkExpired() throws IOException {
        if (expired) {
            throw new IOException(reason(Duration.ofNanos(timeoutNanos)));
        }
    }

    /** A writer starts waiting for the client: the clock starts now, unless it already runs. */
    private void waitBegins() {
        if (deadline == null) {
            deadline = new ProgressDeadline(next.getWriteThread(), timeoutNanos, this);
        } else if (!next.isWriteResumed()) {
            deadline.progress();
        }
        if (!expired) {
            deadline.arm();
        }
    }

    private void progress() {
        if (deadline != null) {
            deadline.progress();
        }
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel();
        }
    }

    @Override
    public boolean timing() {
        return !expired && next.isWriteResumed(); // nobody waits: the next wait arms the timer again
    }

    @Override
    public void expired(long idleNanos) {
        expired = true;
        onExpiry.run();
    }
}
