package dev.sluice.upstream;

import java.time.Duration;
import java.time.Instant;

/**
 * A drain asked for through the admin API: new requests and handshakes go elsewhere at once;
 * open tunnels stay until they close, or until {@code deadline} when one is given.
 *
 * @param deadline null to wait for the tunnels however long they stay
 */
public record Drain(Instant since, Duration deadline) {
    /** When the tunnels still open are closed, or null for never. */
    public Instant tunnelsCloseAt() {
        return deadline == null ? null : since.plus(deadline);
    }
}
