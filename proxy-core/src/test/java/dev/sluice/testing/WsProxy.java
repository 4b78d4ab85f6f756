package dev.sluice.testing;

import dev.sluice.Sluice;
import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.HostPort;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Starts a proxy on 127.0.0.1:0 with one route to one backend, for the WebSocket tests. */
public final class WsProxy {
    private WsProxy() {
    }

    /** One route {@code path} -> {@code upstream} with default WebSocket settings. */
    public static Sluice start(String path, URI upstream) {
        return start(path, upstream, WebSocketConfig.DEFAULTS);
    }

    /** One route {@code path} -> {@code upstream} with the given WebSocket settings; no access log. */
    public static Sluice start(String path, URI upstream, WebSocketConfig websocket) {
        SluiceConfig config = new SluiceConfig("ws-test",
                List.of(new ListenerConfig(new HostPort("127.0.0.1", 0))),
                null,
                Map.of("backend", UpstreamConfig.of("backend", List.of(new ServerConfig(upstream, null)))),
                List.of(new RouteConfig(path, null, "backend", false, websocket)),
                LimitsConfig.DEFAULTS, List.of(), AccessLogConfig.OFF, Duration.ofSeconds(1));
        return Sluice.start(config);
    }

    /** WebSocket settings with only the idle timeout changed. */
    public static WebSocketConfig idleTimeout(Duration idle) {
        WebSocketConfig d = WebSocketConfig.DEFAULTS;
        return new WebSocketConfig(d.enabled(), idle, d.halfCloseTimeout(), d.allowedOrigins(), d.maxTunnels());
    }

    /** {@code proxy.tunnels().open()}, kept as one call site for the tests. */
    public static int openTunnels(Sluice proxy) {
        return proxy.tunnels().open();
    }

    /** {@code proxy.tunnels().total()}. */
    public static long totalTunnels(Sluice proxy) {
        return proxy.tunnels().total();
    }
}
