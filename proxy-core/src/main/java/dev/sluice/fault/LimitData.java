package dev.sluice.fault;

import dev.sluice.config.Plural;
import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;

/**
 * {@code limit-data}: passes on exactly {@code bytes} bytes (counted from when the fault met the
 * tunnel), then closes the tunnel once they are written: each peer gets a FIN, as from a server
 * that went away mid-stream (Toxiproxy's limit_data).
 */
final class LimitData extends FaultStep {
    private final StageContext context;
    private final long limit;
    private long passed;
    private boolean closing;

    LimitData(long limit, StageContext context) {
        this.limit = limit;
        this.context = context;
    }

    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        if (retired() && !closing) {
            downstream.onBytes(bytes);
            return;
        }
        long room = limit - passed;
        if (room > 0) {
            int n = (int) Math.min(room, bytes.remaining());
            passed += n;
            downstream.onBytes(bytes.duplicate().limit(bytes.position() + n));
        }
        if (passed == limit && !closing) {
            closing = true;
            context.closeAfterWritten("limit-data: closed after " + Plural.of(limit, "byte") + " "
                    + context.direction());
        }
    }
}
