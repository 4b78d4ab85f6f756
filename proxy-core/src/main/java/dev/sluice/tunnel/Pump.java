package dev.sluice.tunnel;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Moves bytes from one connection's source through the direction's {@link Stage}s to the other
 * connection's sink: one direction of a {@link Splice}.
 *
 * <p>Reads again only after the last buffer went out whole (so a slow reader, or a stage that
 * holds bytes, slows the writer and memory stays at one buffer per direction), and holds a
 * pooled buffer only while bytes are in flight: an idle pump holds none. Runs entirely on the
 * IO thread of its connections.
 *
 * <p>Closing politely: {@link #sendAtBoundary} writes a frame (a WebSocket Close) as soon as the
 * frame being relayed has ended, and from then on bytes from the source are read and scanned
 * but no longer passed on: the peer on the sink side was told the connection is going away.
 */
final class Pump {

    /** What the pump tells its splice. Called on the IO thread. */
    interface Events {
        void transferred(Pump pump, int bytes);

        /** The source reached EOF and the sink's write side was shut down and flushed. */
        void finished(Pump pump);

        /** The frame given to {@link #sendAtBoundary} went out whole. */
        void frameSent(Pump pump);

        /**
         * Reading the source or writing the sink failed (typically a reset).
         *
         * @param reading true when the source failed, false when the sink did
         */
        void failed(Pump pump, IOException e, boolean reading);
    }

    /** Buffers moved in one go before letting the IO thread's other connections have a turn. */
    private static final int BUFFERS_PER_TURN = 16;

    private final Direction direction;
    private final ConduitStreamSourceChannel source;
    private final ConduitStreamSinkChannel sink;
    private final ByteBufferPool pool;
    private final Events events;
    private final FrameScannerStage scanning;
    private final FrameScanner scanner;
    /** The stages' chain, ending in {@link #write}; built once. */
    private final Stage.Downstream chain;
    private PooledByteBuffer inFlight;
    /** The bytes of {@link #inFlight} being written (a stage may pass on a view of its buffer). */
    private ByteBuffer writing;
    private boolean inChain;
    /** A frame to write once the frame being relayed has ended; then {@link #frameSent} is true. */
    private ByteBuffer pendingFrame;
    private boolean frameSent;
    private boolean done;

    Pump(Direction direction, ConduitStreamSourceChannel source, ConduitStreamSinkChannel sink,
         ByteBufferPool pool, Events events, FrameScannerStage scanning, List<Stage> stages) {
        this.direction = direction;
        this.source = source;
        this.sink = sink;
        this.pool = pool;
        this.events = events;
        this.scanning = scanning;
        this.scanner = scanning.scanner();
        Stage.Downstream next = this::write;
        for (int i = stages.size() - 1; i >= 0; i--) {
            Stage stage = stages.get(i);
            Stage.Downstream after = next;
            next = bytes -> stage.onBytes(bytes, after);
        }
        Stage.Downstream afterScanning = next;
        this.chain = bytes -> scanning.onBytes(bytes, afterScanning);
    }

    void start() {
        source.getReadSetter().set((ChannelListener<ConduitStreamSourceChannel>) ch -> readAndForward());
        sink.getWriteSetter().set((ChannelListener<ConduitStreamSinkChannel>) ch -> writePending());
        // Bytes that arrived with the handshake sit in push-back conduits and may never fire
        // a read event, so read once straight away.
        readAndForward();
    }

    FrameScanner scanner() {
        return scanner;
    }

    boolean isDone() {
        return done;
    }

    /** Whether the frame given to {@link #sendAtBoundary} has gone out (or could not, the sink being shut). */
    boolean frameSent() {
        return frameSent;
    }

    @Override
    public String toString() {
        return direction.toString();
    }

    /**
     * Writes {@code frame} to the sink at the next frame boundary (at once when no frame is
     * being relayed) and stops passing on what the source sends after it.
     */
    void sendAtBoundary(ByteBuffer frame) {
        if (pendingFrame != null || frameSent) {
            return;
        }
        if (done) {
            frameSent = true; // the sink was shut already: nothing more can be said to that peer
            events.frameSent(this);
            return;
        }
        pendingFrame = frame;
        scanning.endAtBoundary();
        if (inFlight == null && scanner.atFrameBoundary()) {
            writeFrame();
        }
    }

    private void readAndForward() {
        for (int turn = 0; ; turn++) {
            if (done || inFlight != null) {
                return;
            }
            if (waitingToWriteFrame()) {
                source.suspendReads();
                return;
            }
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
            buffer.flip();
            if (frameSent) {
                scanner.scan(buffer); // only to see the peer's Close; nothing goes on after ours
                pooled.close();
                continue;
            }
            inFlight = pooled;
            inChain = true;
            chain.onBytes(buffer);
            inChain = false;
            if (inFlight != null) {
                source.suspendReads(); // held by a stage, or the sink is full
                return;
            }
        }
    }

    /** Our frame is due (the relayed frame has ended) but not yet written whole: read nothing meanwhile. */
    private boolean waitingToWriteFrame() {
        return pendingFrame != null && !frameSent && scanner.atFrameBoundary();
    }

    /** The end of the chain: writes bytes to the sink; called by the last stage, now or later. */
    private void write(ByteBuffer bytes) {
        events.transferred(this, bytes.remaining());
        writing = bytes;
        try {
            sink.write(bytes);
        } catch (IOException e) {
            fail(e, false);
            return;
        }
        if (bytes.hasRemaining()) {
            sink.resumeWrites();
            return;
        }
        written();
    }

    private void written() {
        if (inFlight != null) {
            inFlight.close();
            inFlight = null;
        }
        writing = null;
        if (pendingFrame != null && scanner.atFrameBoundary()) {
            writeFrame();
        } else if (!inChain) {
            sink.suspendWrites();
            readAndForward();
        }
    }

    private void writePending() {
        try {
            if (writing != null) {
                sink.write(writing);
                if (!writing.hasRemaining()) {
                    written();
                }
            } else if (pendingFrame != null && !frameSent && inFlight == null) {
                writeFrame();
            } else if (done) {
                flushShutdown();
            } else {
                sink.suspendWrites();
            }
        } catch (IOException e) {
            fail(e, false);
        }
    }

    private void writeFrame() {
        try {
            sink.write(pendingFrame);
            if (pendingFrame.hasRemaining() || !sink.flush()) {
                source.suspendReads();
                sink.resumeWrites();
                return;
            }
        } catch (IOException e) {
            fail(e, false);
            return;
        }
        frameSent = true;
        sink.suspendWrites();
        events.frameSent(this);
        // Keep reading: the peer's answering Close comes this way, and its FIN ends the pump.
        source.resumeReads();
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
        writing = null;
    }
}
