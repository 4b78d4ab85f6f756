package dev.sluice.tunnel;

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
    private final String refusal;
    private final AtomicBoolean released = new AtomicBoolean();

    TunnelSlot(TunnelAdmission admission, Route route, InetAddress client) {
        this.admission = admission;
        this.route = route;
        this.client = client;
        this.refusal = null;
    }

    private TunnelSlot(String refusal) {
        this.admission = null;
        this.route = null;
        this.client = null;
        this.refusal = refusal;
        released.set(true);
    }

    static TunnelSlot refused(String refusal) {
        return new TunnelSlot(refusal);
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
