package dev.sluice.fault;

import dev.sluice.config.FaultConfig;
import dev.sluice.config.FaultType;
import dev.sluice.http.FaultedAnswer;
import dev.sluice.runtime.IoThreads;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpServerExchange;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.ConduitWritableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The byte faults on a plain HTTP response's body, to the client: {@code bandwidth},
 * {@code slice}, {@code limit-data} (the body is cut after so many bytes and the connection
 * closed) and {@code blackhole} (the body never leaves). A conduit under Undertow's response
 * channel that writes only as much as the faults allow and wakes the writer when they allow
 * more, so the writer is paced without a busy loop and nothing is held in memory.
 *
 * <p>A blackholed exchange never finishes its response, so it would never complete: once the
 * request is read, the client connection is watched, and when the client leaves the connection
 * is closed, which completes the exchange (its access-log line, metrics, the drain's count).
 */
final class ResponseFaults extends AbstractStreamSinkConduit<StreamSinkConduit> {
    /**
     * How far the pace may catch up when the writer comes late (a timer fires a millisecond or
     * two after it was due): without it each late wake-up would slow the rate a little more.
     */
    private static final long CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final HttpServerExchange exchange;
    private long rate;
    private long segment;
    private long gapNanos;
    private long limit = -1;
    private String limitFault;
    private boolean blackhole;
    /** The earliest the next write may go (bandwidth and slice). */
    private long readyAt = Long.MIN_VALUE;
    private final Pace bandwidth = new Pace();
    private long passed;
    private boolean cut;
    private boolean watchingClient;
    private XnioExecutor.Key timer;

    private ResponseFaults(StreamSinkConduit next, HttpServerExchange exchange) {
        super(next);
        this.exchange = exchange;
    }

    /** Puts the response faults on the route that strike this request under its response; none: nothing. */
    static void attach(HttpServerExchange exchange, List<ActiveFault> active, String route) {
        List<FaultConfig> striking = active.stream()
                .filter(f -> actsOnResponses(f.type()) && f.covers(route) && f.config().direction().includes(false))
                .filter(ActiveFault::strikes)
                .map(ActiveFault::config)
                .toList();
        if (!striking.isEmpty()) {
            exchange.addResponseWrapper((factory, ex) -> new ResponseFaults(factory.create(), ex).with(striking));
        }
    }

    private static boolean actsOnResponses(FaultType type) {
        return type == FaultType.BANDWIDTH || type == FaultType.SLICE || type == FaultType.LIMIT_DATA
                || type == FaultType.BLACKHOLE;
    }

    private ResponseFaults with(List<FaultConfig> faults) {
        for (FaultConfig f : faults) {
            switch (f.type()) {
                case BANDWIDTH -> rate = rate == 0 ? f.rate() : Math.min(rate, f.rate());
                case SLICE -> {
                    segment = f.segment();
                    gapNanos = f.delay() == null ? 0 : f.delay().toNanos();
                }
                case LIMIT_DATA -> {
                    if (limit < 0 || f.bytes() < limit) {
                        limit = f.bytes();
                        limitFault = f.name();
                    }
                }
                case BLACKHOLE -> {
                    blackhole = true;
                    FaultedAnswer.unanswered(exchange, f.name(), "no answer (blackhole)");
                }
                default -> throw new IllegalArgumentException(f.type() + " does not act on a response body");
            }
        }
        return this;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (blackhole || cut) {
            int n = src.remaining(); // swallowed: the client never gets them
            src.position(src.limit());
            if (blackhole) {
                watchClient();
            }
            return n;
        }
        long now = System.nanoTime();
        if (now < readyAt) {
            return 0;
        }
        long allowed = src.remaining();
        if (segment > 0) {
            allowed = Math.min(allowed, segment);
        }
        if (rate > 0) {
            allowed = Math.min(allowed, Pace.piece(rate));
        }
        if (limit >= 0) {
            allowed = Math.min(allowed, limit - passed);
        }
        int end = src.limit();
        src.limit(src.position() + (int) allowed);
        int n;
        try {
            n = next.write(src);
        } finally {
            src.limit(end);
        }
        passed += n;
        if (n > 0) {
            if (rate > 0) {
                bandwidth.take(now - CATCH_UP_NANOS, Pace.nanosFor(n, rate));
            }
            readyAt = Math.max(rate > 0 ? bandwidth.freeAt() : now, segment > 0 ? now + gapNanos : now);
        }
        if (limit >= 0 && passed == limit) {
            cut = true;
            FaultedAnswer.cut(exchange, limitFault, passed);
            flush();
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
        long total = 0;
        for (int i = offs; i < offs + len; i++) {
            if (!srcs[i].hasRemaining()) {
                continue;
            }
            total += write(srcs[i]);
            if (srcs[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
        return Conduits.writeFinalBasic(this, src);
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
        return Conduits.writeFinalBasic(this, srcs, offs, len);
    }

    @Override
    public long transferFrom(FileChannel src, long position, long count) throws IOException {
        return src.transferTo(position, count, new ConduitWritableByteChannel(this));
    }

    @Override
    public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
        return IoUtils.transfer(source, count, throughBuffer, new ConduitWritableByteChannel(this));
    }

    /** Once the body is cut, the connection closes as soon as the bytes before the cut are out. */
    @Override
    public boolean flush() throws IOException {
        if (blackhole) {
            return true;
        }
        if (cut) {
            if (exchange.getConnection().isOpen() && next.flush()) {
                IoUtils.safeClose(exchange.getConnection());
            }
            return !exchange.getConnection().isOpen();
        }
        return next.flush();
    }

    @Override
    public void terminateWrites() throws IOException {
        if (blackhole) {
            watchClient();
        } else if (!cut) {
            next.terminateWrites();
        }
    }

    /**
     * Reads (and discards) what the client sends from now on, to see it leave: then closes the
     * connection. Only once the request is read, when the connection's reads are free.
     */
    private void watchClient() {
        if (watchingClient || !exchange.isRequestComplete()
                || !(exchange.getConnection() instanceof AbstractServerConnection connection)) {
            return;
        }
        watchingClient = true;
        ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
        source.getReadSetter().set((ChannelListener<ConduitStreamSourceChannel>) channel -> {
            ByteBuffer discard = ByteBuffer.allocate(512);
            try {
                int read;
                do {
                    read = channel.read(discard.clear());
                } while (read > 0);
                if (read < 0) {
                    IoUtils.safeClose(exchange.getConnection());
                }
            } catch (IOException e) {
                IoUtils.safeClose(exchange.getConnection());
            }
        });
        source.resumeReads();
    }

    @Override
    public void resumeWrites() {
        long wait = readyAt - System.nanoTime();
        if (wait > 0 && !blackhole && !cut) {
            wakeAfter(wait);
        } else {
            next.resumeWrites();
        }
    }

    @Override
    public void wakeupWrites() {
        long wait = readyAt - System.nanoTime();
        if (wait > 0 && !blackhole && !cut) {
            wakeAfter(wait);
        } else {
            next.wakeupWrites();
        }
    }

    @Override
    public void suspendWrites() {
        if (timer != null) {
            timer.remove();
            timer = null;
        }
        next.suspendWrites();
    }

    @Override
    public boolean isWriteResumed() {
        return timer != null || next.isWriteResumed();
    }

    @Override
    public void awaitWritable() throws IOException {
        long wait = readyAt - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        } else {
            next.awaitWritable();
        }
    }

    @Override
    public void awaitWritable(long time, TimeUnit timeUnit) throws IOException {
        long wait = Math.min(readyAt - System.nanoTime(), timeUnit.toNanos(time));
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        } else {
            next.awaitWritable(time, timeUnit);
        }
    }

    /** The writer is told it may write again once the faults allow: no write event fires before. */
    private void wakeAfter(long nanos) {
        if (timer == null) {
            timer = IoThreads.executeAfter(next.getWriteThread(), () -> {
                timer = null;
                next.wakeupWrites();
            }, nanos);
        }
    }
}
