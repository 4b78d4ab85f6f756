package dev.sluice.tunnel;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Moves bytes from one connection's source to the other's sink, one direction of a
 * {@link Splice}.
 *
 * <p>Reads again only after the last write went out whole (so a slow reader slows the
 * writer and memory stays at one buffer per direction), and holds a pooled buffer only
 * while bytes are in flight: an idle pump holds none. Runs entirely on the IO thread of
 * its connections.
 */
final class Pump {

    /** What the pump tells its splice. Called on the IO thread. */
    interface Events {
        void transferred(Pump pump, int bytes);

        /** The source reached EOF and the sink's write side was shut down and flushed. */
        void finished(Pump pump);

        /**
         * Reading the source or writing the sink failed (typically a reset).
         *
         * @param reading true when the source failed, false when the sink did
         */
        void failed(Pump pump, IOException e, boolean reading);
    }

    /** Buffers moved in one go before letting the IO thread's other connections have a turn. */
    private static final int BUFFERS_PER_TURN = 16;

    private final String name;
    private final ConduitStreamSourceChannel source;
    private final ConduitStreamSinkChannel sink;
    private final ByteBufferPool pool;
    private final Events events;
    private PooledByteBuffer inFlight;
    private long bytes;
    private boolean done;

    Pump(String name, ConduitStreamSourceChannel source, ConduitStreamSinkChannel sink,
         ByteBufferPool pool, Events events) {
        this.name = name;
        this.source = source;
        this.sink = sink;
        this.pool = pool;
        this.events = events;
    }

    void start() {
        source.getReadSetter().set((ChannelListener<ConduitStreamSourceChannel>) ch -> readAndForward());
        sink.getWriteSetter().set((ChannelListener<ConduitStreamSinkChannel>) ch -> writePending());
        // Bytes that arrived with the handshake sit in push-back conduits and may never fire
        // a read event, so read once straight away.
        readAndForward();
    }

    long bytes() {
        return bytes;
    }

    boolean isDone() {
        return done;
    }

    @Override
    public String toString() {
        return name;
    }

    private void readAndForward() {
        if (done || inFlight != null) {
            return;
        }
        for (int turn = 0; ; turn++) {
            if (turn == BUFFERS_PER_TURN) {
                source.wakeupReads();
                return;
            }
            PooledByteBuffer pooled = pool.allocate();
            ByteBuffer buffer = pooled.getBuffer();
            int read;
            try {
                read = source.read(buffer);
            } catch (IOException e) {
                pooled.close();
                fail(e, true);
                return;
            }
            if (read == 0) {
                pooled.close();
                source.resumeReads();
                return;
            }
            if (read < 0) {
                pooled.close();
                finishSource();
                return;
            }
            bytes += read;
            events.transferred(this, read);
            buffer.flip();
            try {
                sink.write(buffer);
            } catch (IOException e) {
                pooled.close();
                fail(e, false);
                return;
            }
            if (buffer.hasRemaining()) {
                inFlight = pooled;
                source.suspendReads();
                sink.resumeWrites();
                return;
            }
            pooled.close();
        }
    }

    private void writePending() {
        if (inFlight == null) {
            if (done) {
                flushShutdown();
            } else {
                sink.suspendWrites();
            }
            return;
        }
        try {
            ByteBuffer buffer = inFlight.getBuffer();
            sink.write(buffer);
            if (buffer.hasRemaining()) {
                return;
            }
            inFlight.close();
            inFlight = null;
            sink.suspendWrites();
        } catch (IOException e) {
            fail(e, false);
            return;
        }
        readAndForward();
    }

    private void finishSource() {
        done = true;
        source.suspendReads();
        try {
            sink.shutdownWrites();
        } catch (IOException e) {
            fail(e, false);
            return;
        }
        flushShutdown();
    }

    private void flushShutdown() {
        try {
            if (sink.flush()) {
                sink.suspendWrites();
                events.finished(this);
            } else {
                sink.resumeWrites();
            }
        } catch (IOException e) {
            fail(e, false);
        }
    }

    private void fail(IOException e, boolean reading) {
        done = true;
        release();
        events.failed(this, e, reading);
    }

    /** Returns the buffer to the pool; called once the splice is closed. */
    void release() {
        if (inFlight != null) {
            inFlight.close();
            inFlight = null;
        }
    }
}
