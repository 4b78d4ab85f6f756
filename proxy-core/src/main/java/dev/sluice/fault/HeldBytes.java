package dev.sluice.fault;

import dev.sluice.ws.Stage;
import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Bytes a fault passes on later, in order: each piece goes out at its due time or after the
 * piece before it, whichever is later, so a delay never reorders a stream. Pieces due now with
 * nothing waiting go out at once, uncopied. One timer at a time, for the first piece.
 */
final class HeldBytes {
    private record Piece(ByteBuffer bytes, long due) {
    }

    private final StageContext context;
    private final ArrayDeque<Piece> pieces = new ArrayDeque<>();
    private Stage.Downstream out;
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
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).put(bytes.duplicate()).flip();
        pieces.add(new Piece(copy, due));
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
        timerSet = true;
        context.schedule(this::emitDue, Math.max(0, pieces.peek().due() - System.nanoTime()));
    }

    private void emitDue() {
        timerSet = false;
        long now = System.nanoTime();
        while (!pieces.isEmpty() && pieces.peek().due() <= now) {
            Piece piece = pieces.poll();
            held -= piece.bytes().remaining();
            out.onBytes(piece.bytes());
        }
        if (pieces.isEmpty() && whenEmpty != null) {
            Runnable task = whenEmpty;
            whenEmpty = null;
            task.run();
        }
        armTimer();
    }
}
