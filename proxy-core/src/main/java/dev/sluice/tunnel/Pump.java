package dev.sluice.tunnel;

import dev.sluice.runtime.IoThreads;
import dev.sluice.ws.Direction;
import dev.sluice.ws.FrameScanner;
import dev.sluice.ws.Stage;
import dev.sluice.ws.StageContext;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Moves bytes from one connection's source through the direction's {@link Stage}s to the other
 * connection's sink: one direction of a {@link Splice}.
 *
 * <p>Reads again only after what the stages passed on went out whole and while the stages hold
 * less than {@link Stage#HOLD_LIMIT} (so a slow reader, or a fault that holds bytes, slows the writer
 * and memory per direction stays bounded), and holds a pooled buffer only while bytes are in
 * flight: an idle pump holds none. Runs entirely on the IO thread of its connections.
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
    private final XnioIoThread ioThread;
    private final ByteBufferPool pool;
    private final Events events;
    private final FrameScannerStage scanning;
    private final FrameScanner scanner;
    private final List<Stage> stages;
    /** The stages' chain, ending in {@link #write}; built once. */
    private final Stage.Downstream chain;
    private PooledByteBuffer inFlight;
    /** The bytes being written; then {@link #queued}, in order (made when first needed: most tunnels never do). */
    private ByteBuffer writing;
    private ArrayDeque<ByteBuffer> queued;
    private boolean inChain;
    private boolean inTimer;
    /** A frame to write once the frame being relayed has ended; then {@link #frameSent} is true. */
    private ByteBuffer pendingFrame;
    private boolean frameSent;
    /** To run once everything passed on so far is written (a stage closing the tunnel). */
    private Runnable afterWritten;
    private Phase phase = Phase.RELAYING;

    /** Where the pump is in its life; it only moves forward, and to CLOSED from anywhere. */
    private enum Phase {
        /** Reading the source and passing bytes on. */
        RELAYING,
        /** The source sent its FIN; the stages are passing the end on. */
        SOURCE_ENDED,
        /** The stages passed the end on: the sink is shut once what they passed is written. */
        SHUTDOWN_PENDING,
        /** The sink is shut: nothing more is written. */
        SINK_SHUT,
        /** The splice closed (or this pump failed): buffers returned, nothing more happens. */
        CLOSED
    }

    Pump(Direction direction, ConduitStreamSourceChannel source, ConduitStreamSinkChannel sink,
         ByteBufferPool pool, Events events, FrameScannerStage scanning, List<Stage> stages) {
        this.direction = direction;
        this.source = source;
        this.sink = sink;
        this.ioThread = source.getIoThread();
        this.pool = pool;
        this.events = events;
        this.scanning = scanning;
        this.scanner = scanning.scanner();
        this.stages = List.copyOf(stages);
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

    /** Whether the sink is shut, or the pump failed or was closed. */
    boolean isDone() {
        return phase.compareTo(Phase.SINK_SHUT) >= 0;
    }

    /** Whether the frame given to {@link #sendAtBoundary} has gone out (or could not, the sink being shut). */
    boolean frameSent() {
        return frameSent;
    }

    @Override
    public String toString() {
        return direction.toString();
    }

    /** For {@link StageContext#schedule}: runs a stage's task on the IO thread, then carries on moving bytes. */
    void schedule(Runnable task, long delayNanos) {
        IoThreads.executeAfter(ioThread, () -> {
            if (phase == Phase.CLOSED) {
                return;
            }
            inTimer = true;
            try {
                task.run();
            } finally {
                inTimer = false;
            }
            settle();
        }, delayNanos);
    }

    /** Runs {@code task} once everything the stages passed on so far is written. */
    void whenWritten(Runnable task) {
        IoThreads.execute(ioThread, () -> {
            if (phase == Phase.CLOSED) {
                return;
            }
            afterWritten = task;
            settle();
        });
    }

    /**
     * Writes {@code frame} to the sink at the next frame boundary (at once when no frame is
     * being relayed) and stops passing on what the source sends after it.
     */
    void sendAtBoundary(ByteBuffer frame) {
        if (pendingFrame != null || frameSent) {
            return;
        }
        if (isDone()) {
            frameSent = true; // the sink was shut already: nothing more can be said to that peer
            events.frameSent(this);
            return;
        }
        pendingFrame = frame;
        scanning.endAtBoundary();
        settle();
    }

    private long heldByStages() {
        long held = 0;
        for (Stage stage : stages) {
            held += stage.held();
        }
        return held;
    }

    private void readAndForward() {
        // A read that left room took all the socket had: reading again would only return 0
        // (a system call per message). The selector is level-triggered, so bytes that come
        // later are reported; conduits that hold bytes of their own (TLS) wake the listener.
        boolean drained = false;
        for (int turn = 0; ; turn++) {
            if (phase != Phase.RELAYING || inFlight != null || writing != null) {
                return;
            }
            if (pendingFrame != null && !frameSent && scanning.cut()) {
                // Our frame is due: read nothing more. It goes out once the stages hold nothing
                // (else the timer of the stage that holds bytes settles again).
                source.suspendReads();
                if (heldByStages() == 0) {
                    writeFrame();
                }
                return;
            }
            if (heldByStages() >= Stage.HOLD_LIMIT) {
                source.suspendReads(); // a stage's timer carries on when it passed some on
                return;
            }
            if (drained) {
                source.resumeReads();
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
                endSource();
                return;
            }
            drained = buffer.hasRemaining();
            buffer.flip();
            if (frameSent) {
                scanner.scan(buffer); // only to see the peer's Close; nothing goes on after ours
                pooled.close();
            } else {
                inFlight = pooled;
                inChain = true;
                chain.onBytes(buffer);
                inChain = false;
                if (writing != null) {
                    source.suspendReads(); // the sink is full: settle() carries on once it is written
                    return;
                }
                releaseInFlight();
            }
        }
    }

    /** The end of the chain: queues bytes for the sink; called by the last stage, now or later. */
    private void write(ByteBuffer bytes) {
        if (isDone() || !bytes.hasRemaining()) {
            return;
        }
        events.transferred(this, bytes.remaining());
        if (writing != null) {
            if (queued == null) {
                queued = new ArrayDeque<>(4);
            }
            queued.add(bytes);
            return;
        }
        writing = bytes;
        flush();
    }

    private void flush() {
        try {
            while (writing != null) {
                sink.write(writing);
                if (writing.hasRemaining()) {
                    sink.resumeWrites();
                    return;
                }
                writing = queued == null ? null : queued.poll();
            }
        } catch (IOException e) {
            fail(e, false);
            return;
        }
        settle();
    }

    /**
     * Everything passed on is written: frees the buffer read, then does what is due next (a
     * stage's close, our frame, the shutdown of the sink) or reads on. Does nothing while a
     * stage is at work: the chain's caller or the stage's timer calls it again after.
     */
    private void settle() {
        if (phase == Phase.CLOSED || inChain || inTimer || writing != null) {
            return;
        }
        releaseInFlight();
        if (afterWritten != null) {
            Runnable task = afterWritten;
            afterWritten = null;
            task.run();
        } else if (pendingFrame != null && !frameSent && scanning.cut() && heldByStages() == 0) {
            writeFrame();
        } else if (phase == Phase.SHUTDOWN_PENDING) {
            shutdownSink();
        } else if (!isDone()) {
            sink.suspendWrites();
            readAndForward();
        }
    }

    private void writePending() {
        if (writing != null) {
            flush();
        } else if (pendingFrame != null && !frameSent && inFlight == null) {
            writeFrame();
        } else if (phase == Phase.SINK_SHUT) {
            flushShutdown();
        } else {
            sink.suspendWrites();
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
        if (phase == Phase.SHUTDOWN_PENDING) {
            shutdownSink();
        } else if (phase == Phase.RELAYING) {
            // Keep reading: the peer's answering Close comes this way, and its FIN ends the pump.
            source.resumeReads();
        }
    }

    /** The source sent its FIN: each stage passes it on in turn, then the sink is shut. */
    private void endSource() {
        phase = Phase.SOURCE_ENDED;
        source.suspendReads();
        endFrom(0);
    }

    private void endFrom(int stage) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (stage == stages.size()) {
            phase = Phase.SHUTDOWN_PENDING;
            settle();
        } else {
            stages.get(stage).onEnd(() -> endFrom(stage + 1));
        }
    }

    private void shutdownSink() {
        phase = Phase.SINK_SHUT;
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
        release();
        events.failed(this, e, reading);
    }

    private void releaseInFlight() {
        if (inFlight != null) {
            inFlight.close();
            inFlight = null;
        }
    }

    /** Returns the buffer to the pool and stops the stages' timers; called once the splice is closed. */
    void release() {
        phase = Phase.CLOSED;
        releaseInFlight();
        writing = null;
        queued = null;
    }
}
