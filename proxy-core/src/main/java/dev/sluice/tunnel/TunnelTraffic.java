package dev.sluice.tunnel;

import dev.sluice.observe.Metrics;
import dev.sluice.ws.Direction;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The tunnels' part of the metrics: bytes and messages each way, tunnels opened and closed, and
 * how many are open on each route. The totals are {@link LongAdder}s that every tunnel adds to as
 * its bytes flow (one add per read or write batch, on the IO thread) and as its frame scanner
 * counts messages, so a total never goes down (a tunnel that closes has added everything
 * already) and a scrape reads a few adders instead of walking the open tunnels.
 */
final class TunnelTraffic {
    /** Null when nothing is reported: the totals are still kept. */
    private final Metrics metrics;
    final LongAdder bytesToUpstream = new LongAdder();
    final LongAdder bytesToClient = new LongAdder();
    private final LongAdder messagesToUpstream = new LongAdder();
    private final LongAdder messagesToClient = new LongAdder();
    /** Open tunnels by route key. */
    private final Map<String, LongAdder> openByRoute = new ConcurrentHashMap<>();

    /** @param metrics where the totals are reported, or null */
    TunnelTraffic(Metrics metrics) {
        this.metrics = metrics;
        if (metrics != null) {
            metrics.functionCounter("sluice_tunnel_bytes", "to_upstream", "bytes through WebSocket tunnels",
                    bytesToUpstream, LongAdder::sum);
            metrics.functionCounter("sluice_tunnel_bytes", "to_client", "bytes through WebSocket tunnels",
                    bytesToClient, LongAdder::sum);
            metrics.functionCounter("sluice_tunnel_messages", "to_upstream", "WebSocket messages through tunnels",
                    messagesToUpstream, LongAdder::sum);
            metrics.functionCounter("sluice_tunnel_messages", "to_client", "WebSocket messages through tunnels",
                    messagesToClient, LongAdder::sum);
        }
    }

    /** The total the frame scanner of this direction adds its messages to. */
    LongAdder messages(Direction direction) {
        return direction == Direction.TO_UPSTREAM ? messagesToUpstream : messagesToClient;
    }

    void opened(Tunnel tunnel) {
        String route = tunnel.slot().route().key();
        LongAdder open = openByRoute.computeIfAbsent(route, r -> new LongAdder());
        open.increment();
        if (metrics != null) {
            metrics.tunnelOpened(route);
            metrics.routeGauge("sluice_tunnels_open", route, "WebSocket tunnels open on a route", open, LongAdder::sum);
        }
    }

    void closed(Tunnel tunnel) {
        openByRoute.get(tunnel.slot().route().key()).decrement();
        if (metrics != null) {
            metrics.tunnelClosed(tunnel.closeReason());
        }
    }
}
