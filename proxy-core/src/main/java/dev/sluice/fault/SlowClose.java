package dev.sluice.fault;

import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;
import java.time.Duration;

/** {@code slow-close}: a FIN from the source reaches the peer {@code delay} late (Toxiproxy's slow_close). */
final class SlowClose extends FaultStep {
    private final long delayNanos;
    private final StageContext context;

    SlowClose(Duration delay, StageContext context) {
        this.delayNanos = delay.toNanos();
        this.context = context;
    }

    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        downstream.onBytes(bytes);
    }

    @Override
    public void onEnd(Runnable proceed) {
        if (retired()) {
            proceed.run();
        } else {
            context.schedule(proceed, delayNanos);
        }
    }
}
