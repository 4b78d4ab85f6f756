package dev.sluice.handler;

import dev.sluice.config.LimitsConfig;
import dev.sluice.fault.Faults;
import dev.sluice.http.ForwardedHeaders;
import dev.sluice.observe.AccessLog;
import dev.sluice.observe.Metrics;
import dev.sluice.record.Recording;
import dev.sluice.record.RecordingHandler;
import dev.sluice.runtime.RouteTable;
import dev.sluice.runtime.UpstreamClient;
import dev.sluice.tunnel.TunnelHandler;
import dev.sluice.tunnel.TunnelRegistry;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;

import java.util.Map;

/**
 * The order every request goes through, in one place:
 *
 * <pre>
 *   client ─▶ EntryHandler (request id, error pages)
 *          ─▶ MetricsHandler (counts and times every exchange by route, method, status class)
 *          ─▶ RecordingHandler (records the exchange when it completes; absent when not recording)
 *          ─▶ AccessLogHandler (one line when the exchange completes; absent when the log is off)
 *          ─▶ RequestFramingCheck (400/501 framing that could be read two ways, 417 unknown Expect)
 *          ─▶ RequestLimitsHandler (431 head too large, 413 declared body too large)
 *          ─▶ RedirectToHttps (308 on a redirect-to-https listener; absent when no listener redirects)
 *          ─▶ RoutingHandler (host, longest prefix; 404)
 *               ├─ WebSocket upgrade ─▶ FaultGate ─▶ TunnelHandler ─▶ Splice [scanner, faults] ◀─▶ upstream
 *               └─ anything else     ─▶ FaultGate ─▶ HttpForwardHandler ─▶ RequestBufferingHandler (small bodies whole)
 *                                        ─▶ ProxyHandler ─▶ upstream pool
 * </pre>
 *
 * In front of it, each listener's {@link ListenerEntry} marks the exchanges of a listener with
 * {@code hsts} or {@code redirect-to-https}.
 */
public final class HandlerChain {
    private HandlerChain() {
    }

    /** Undertow's own ceiling on a request head, above the configured limit so that we answer 431. */
    public static int parserHeaderCeiling(LimitsConfig limits) {
        return RequestLimitsHandler.parserCeiling(limits);
    }

    /**
     * @param accessLog where access log lines go, or null when the access log is off
     * @param recording where exchanges are recorded, when it is on
     * @param redirects whether some listener has {@code redirect-to-https}
     */
    public static HttpHandler build(RouteTable routes, Map<String, UpstreamClient> clients, TunnelRegistry tunnels,
                                    ForwardedHeaders forwarded, LimitsConfig limits, ByteBufferPool buffers,
                                    AccessLog accessLog, Metrics metrics, Recording recording, Faults faults,
                                    boolean redirects) {
        HttpHandler tunnel = new TunnelHandler(clients, tunnels, forwarded, limits, buffers, faults.stages());
        HttpHandler forward = new HttpForwardHandler(clients, forwarded, limits, buffers.getBufferSize());
        HttpHandler routing = new RoutingHandler(routes, faults.gate(tunnel, true), faults.gate(forward, false));
        HttpHandler limited = new RequestFramingCheck(new RequestLimitsHandler(limits,
                redirects ? new RedirectToHttps(routing) : routing));
        HttpHandler logged = accessLog == null ? limited : new AccessLogHandler(accessLog, limited);
        HttpHandler recorded = recording.isOn() ? new RecordingHandler(recording, logged) : logged;
        return new Http2StreamLimit(new EntryHandler(new MetricsHandler(metrics, recorded)));
    }
}
