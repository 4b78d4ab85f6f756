package dev.sluice.fault;

import dev.sluice.config.FaultConfig;
import dev.sluice.config.FaultType;
import dev.sluice.ws.OpenTunnel;
import dev.sluice.ws.TunnelEnds;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The faults that end tunnels (reset, close): on the open tunnels of their route when they
 * are switched on, on each new tunnel as it opens, and on every open tunnel when asked to
 * ({@code proxy.faults().resetTunnels()}, {@code closeTunnels}).
 */
final class TunnelStrikes {
    private final Supplier<? extends Collection<? extends OpenTunnel>> tunnels;

    TunnelStrikes(Supplier<? extends Collection<? extends OpenTunnel>> tunnels) {
        this.tunnels = tunnels;
    }

    void resetAll() {
        tunnels.get().forEach(t -> t.reset("reset by a fault", Duration.ZERO));
    }

    /** @param checked a close fault whose code and reason were checked */
    void closeAll(FaultConfig checked) {
        String reason = checked.reason() == null ? "" : checked.reason();
        tunnels.get().forEach(t -> t.close(checked.code(), reason, "closed by a fault: " + checked.code() + " " + reason));
    }

    /** A fault was switched on: if it ends tunnels, it acts on the open ones of its route now. */
    void switchedOn(ActiveFault fault) {
        if (endsTunnels(fault)) {
            tunnels.get().stream().filter(t -> fault.covers(t.route())).forEach(t -> strike(fault, t));
        }
    }

    /** A tunnel opened: the faults on its route that end tunnels act on it. */
    void opened(List<ActiveFault> active, String route, TunnelEnds tunnel) {
        for (ActiveFault fault : active) {
            if (endsTunnels(fault) && fault.covers(route)) {
                strike(fault, tunnel);
            }
        }
    }

    private static boolean endsTunnels(ActiveFault fault) {
        return fault.type() == FaultType.RESET || fault.type() == FaultType.CLOSE;
    }

    private static void strike(ActiveFault fault, TunnelEnds tunnel) {
        if (!fault.strikes()) {
            return;
        }
        FaultConfig c = fault.config();
        if (c.type() == FaultType.CLOSE) {
            tunnel.close(c.code(), c.reason() == null ? "" : c.reason(),
                    "closed by fault " + fault.name() + " (" + c.code() + ")");
        } else {
            tunnel.reset("reset by fault " + fault.name(), c.delay() == null ? Duration.ZERO : c.delay());
        }
    }
}
