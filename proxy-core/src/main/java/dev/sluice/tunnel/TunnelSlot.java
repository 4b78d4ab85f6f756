package dev.sluice.tunnel;

import dev.sluice.http.Answer;
import dev.sluice.runtime.Route;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One tunnel's place under the limits, taken when its handshake is admitted. Released exactly
 * once: by the tunnel when it ends, or by the handshake on any outcome other than a 101.
 */
final class TunnelSlot {
    private final TunnelAdmission admission;
    private final Route route;
    private final InetAddress client;
    private final Answer limit;
    private final String refusal;
    private final AtomicBoolean released = new AtomicBoolean();

    TunnelSlot(TunnelAdmission admission, Route route, InetAddress client) {
        this.admission = admission;
        this.route = route;
        this.client = client;
        this.limit = null;
        this.refusal = null;
    }

    private TunnelSlot(Answer limit, String refusal) {
        this.admission = null;
        this.route = null;
        this.client = null;
        this.limit = limit;
        this.refusal = refusal;
        released.set(true);
    }

    static TunnelSlot refused(Answer limit, String refusal) {
        return new TunnelSlot(limit, refusal);
    }

    /** The limit that was reached, as the answer that says so, or null for a slot that was given. */
    Answer limit() {
        return limit;
    }

    /** Which limit was reached, or null for a slot that was given. */
    String refusal() {
        return refusal;
    }

    Route route() {
        return route;
    }

    /** Whether the slot still counts; false once released. */
    boolean isHeld() {
        return !released.get();
    }

    void release() {
        if (released.compareAndSet(false, true)) {
            admission.release(route, client);
        }
    }
}
