package dev.sluice.fault;

import dev.sluice.ws.Stage;
import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Bytes a fault passes on later, in order: each piece goes out at its due time or after the
 * piece before it, whichever is later, so a delay never reorders a stream. Pieces due now with
 * nothing waiting go out at once, uncopied. One timer at a time, for the first piece.
 *
 * <p>Paced bytes (bandwidth, slice) go out a chunk at a time, but are held as they came, one
 * copy per buffer read, and each chunk's time is taken from the pace only when the chunk is
 * next: a rate of a few bytes a second costs a timer per chunk, not a buffer, a record and a
 * timer per byte held.
 */
final class HeldBytes {
    /** {@link Piece#due} of a paced piece whose next chunk has not taken its time from the pace yet. */
    private static final long NOT_PACED_YET = Long.MAX_VALUE;

    /** Bytes held; a paced piece goes out {@code chunk} bytes at a time, each when its pace allows. */
    private static final class Piece {
        final ByteBuffer bytes;
        final long came;
        final int chunk;
        long due;

        Piece(ByteBuffer bytes, long came, int chunk, long due) {
            this.bytes = bytes;
            this.came = came;
            this.chunk = chunk;
            this.due = due;
        }

        int nextChunk() {
            return chunk == 0 ? bytes.remaining() : Math.min(chunk, bytes.remaining());
        }
    }

    private final StageContext context;
    private final ArrayDeque<Piece> pieces = new ArrayDeque<>();
    private Stage.Downstream out;
    private Pace pace;
    private HoldingStep.PieceCost cost;
    private long held;
    private long lastDue = Long.MIN_VALUE;
    private boolean timerSet;
    private Runnable whenEmpty;

    HeldBytes(StageContext context) {
        this.context = context;
    }

    /** Passes {@code bytes} on at {@code due} (System.nanoTime) or after what is held, whichever is later. */
    void pass(ByteBuffer bytes, long due, Stage.Downstream downstream) {
        out = downstream;
        if (!bytes.hasRemaining()) {
            return;
        }
        due = Math.max(due, lastDue);
        lastDue = due;
        if (pieces.isEmpty() && due <= System.nanoTime()) {
            downstream.onBytes(bytes);
            return;
        }
        hold(bytes, System.nanoTime(), 0, due);
    }

    /**
     * Passes {@code bytes}, which came at {@code now}, on in chunks of {@code chunk} bytes, each
     * when {@code pace} lets it go (no earlier than {@code now}), after what is held.
     */
    void passPaced(ByteBuffer bytes, long now, int chunk, Pace pace, HoldingStep.PieceCost cost, Stage.Downstream downstream) {
        out = downstream;
        this.pace = pace;
        this.cost = cost;
        if (!pieces.isEmpty()) {
            hold(bytes, now, chunk, NOT_PACED_YET);
            return;
        }
        while (bytes.hasRemaining()) {
            int n = Math.min(chunk, bytes.remaining());
            long due = pace.take(now, cost.nanos(n));
            if (due > System.nanoTime()) {
                hold(bytes, now, chunk, due); // its first chunk has taken its time already
                return;
            }
            int at = bytes.position();
            downstream.onBytes(bytes.duplicate().limit(at + n));
            bytes.position(at + n);
        }
    }

    private void hold(ByteBuffer bytes, long came, int chunk, long due) {
        if (!bytes.hasRemaining()) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).put(bytes.duplicate()).flip();
        pieces.add(new Piece(copy, came, chunk, due));
        held += copy.remaining();
        armTimer();
    }

    long held() {
        return held;
    }

    /** Runs {@code task} once every piece went out (at once when none is held). */
    void whenEmpty(Runnable task) {
        if (pieces.isEmpty()) {
            task.run();
        } else {
            whenEmpty = task;
        }
    }

    private void armTimer() {
        if (timerSet || pieces.isEmpty()) {
            return;
        }
        Piece first = pieces.peek();
        if (first.due == NOT_PACED_YET) {
            first.due = pace.take(first.came, cost.nanos(first.nextChunk()));
        }
        timerSet = true;
        context.schedule(this::emitDue, Math.max(0, first.due - System.nanoTime()));
    }

    private void emitDue() {
        timerSet = false;
        long now = System.nanoTime();
        while (!pieces.isEmpty() && pieces.peek().due <= now) {
            Piece piece = pieces.peek();
            int n = piece.nextChunk();
            ByteBuffer bytes = piece.bytes;
            held -= n;
            if (n == bytes.remaining()) {
                pieces.poll();
                out.onBytes(bytes);
            } else {
                int at = bytes.position();
                bytes.position(at + n);
                piece.due = pace.take(piece.came, cost.nanos(piece.nextChunk()));
                out.onBytes(bytes.duplicate().limit(at + n).position(at));
            }
            if (!pieces.isEmpty() && pieces.peek().due == NOT_PACED_YET) {
                Piece next = pieces.peek();
                next.due = pace.take(next.came, cost.nanos(next.nextChunk()));
            }
        }
        if (pieces.isEmpty() && whenEmpty != null) {
            Runnable task = whenEmpty;
            whenEmpty = null;
            task.run();
        }
        armTimer();
    }
}
