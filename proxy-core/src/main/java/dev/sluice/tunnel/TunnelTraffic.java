package dev.sluice.tunnel;

import dev.sluice.observe.Metrics;

import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The tunnels' part of the metrics: bytes and messages each way (what closed tunnels carried
 * plus what open ones carry so far, so that a total never goes down), tunnels opened and
 * closed, and how many are open on each route. Read when scraped.
 */
final class TunnelTraffic {
    private final Metrics metrics;
    private final Supplier<Collection<Tunnel>> open;
    private final LongAdder closedBytesToUpstream = new LongAdder();
    private final LongAdder closedBytesToClient = new LongAdder();
    private final LongAdder closedMessagesToUpstream = new LongAdder();
    private final LongAdder closedMessagesToClient = new LongAdder();

    /** @param open the tunnels open right now */
    TunnelTraffic(Metrics metrics, Supplier<Collection<Tunnel>> open) {
        this.metrics = metrics;
        this.open = open;
        metrics.functionCounter("sluice_tunnel_bytes", "to_upstream", "bytes through WebSocket tunnels", this,
                t -> t.closedBytesToUpstream.sum() + t.sumOpen(Tunnel::bytesToUpstream));
        metrics.functionCounter("sluice_tunnel_bytes", "to_client", "bytes through WebSocket tunnels", this,
                t -> t.closedBytesToClient.sum() + t.sumOpen(Tunnel::bytesToClient));
        metrics.functionCounter("sluice_tunnel_messages", "to_upstream", "WebSocket messages through tunnels", this,
                t -> t.closedMessagesToUpstream.sum() + t.sumOpen(Tunnel::messagesToUpstream));
        metrics.functionCounter("sluice_tunnel_messages", "to_client", "WebSocket messages through tunnels", this,
                t -> t.closedMessagesToClient.sum() + t.sumOpen(Tunnel::messagesToClient));
    }

    void opened(Tunnel tunnel) {
        String route = tunnel.slot().route().key();
        metrics.tunnelOpened(route);
        metrics.routeGauge("sluice_tunnels_open", route, "WebSocket tunnels open on a route", route, this::openOn);
    }

    void closed(Tunnel tunnel) {
        closedBytesToUpstream.add(tunnel.bytesToUpstream());
        closedBytesToClient.add(tunnel.bytesToClient());
        closedMessagesToUpstream.add(tunnel.messagesToUpstream());
        closedMessagesToClient.add(tunnel.messagesToClient());
        metrics.tunnelClosed(tunnel.closeReason());
    }

    private double sumOpen(ToLongFunction<Tunnel> count) {
        long sum = 0;
        for (Tunnel tunnel : open.get()) {
            sum += count.applyAsLong(tunnel);
        }
        return sum;
    }

    private double openOn(String routeKey) {
        return open.get().stream().filter(t -> t.slot().route().key().equals(routeKey)).count();
    }
}
