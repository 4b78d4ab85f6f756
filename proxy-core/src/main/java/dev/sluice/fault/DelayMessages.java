package dev.sluice.fault;

import dev.sluice.ws.FramePieces;
import dev.sluice.ws.FrameScanner;
import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * {@code delay-messages}: each chosen message is passed on {@code latency} after its first byte
 * arrived; what follows it waits behind it, so order is kept, but gets no delay of its own.
 */
final class DelayMessages extends HoldingStep implements FramePieces.Consumer {
    private final FrameScanner scanner;
    private final MessageSelector selector;
    private final long latencyNanos;
    private ByteBuffer bytes;
    private Downstream downstream;
    private long due;

    DelayMessages(ActiveFault fault, Duration latency, StageContext context) {
        super(context);
        this.scanner = new FrameScanner(context.direction().masked());
        this.selector = new MessageSelector(fault, this);
        this.latencyNanos = latency.toNanos();
    }

    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        this.bytes = bytes;
        this.downstream = downstream;
        this.due = System.nanoTime();
        FramePieces.walk(scanner, bytes, this);
        this.bytes = null;
    }

    @Override
    public void piece(int from, int to, boolean startsFrame, boolean endsFrame) {
        boolean messageStart = startsFrame && !scanner.frameIsControl() && scanner.frameOpcode() != 0;
        boolean chosen = selector.chosen(scanner, startsFrame);
        selector.endsUnit(scanner, endsFrame);
        if (chosen && (messageStart || startsFrame && scanner.frameIsControl())) {
            due = System.nanoTime() + latencyNanos;
        }
        pass(from, to);
    }

    @Override
    public void outOfSync(int from, int to) {
        pass(from, to);
    }

    private void pass(int from, int to) {
        held.pass(bytes.duplicate().limit(to).position(from), due, downstream);
    }
}
