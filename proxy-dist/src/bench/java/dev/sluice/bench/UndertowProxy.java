package dev.sluice.bench;

import io.undertow.Undertow;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;

import java.net.URI;

/**
 * Undertow's own reverse proxy ({@code ProxyHandler} with its {@code LoadBalancingProxyClient}) and
 * nothing of Sluice's: the library Sluice's HTTP path is built on, measured beside it, so the
 * HTTP rows show what Sluice adds to (or saves on) Undertow and what no change in Sluice's own
 * code can reach below.
 *
 * <p>Usage: {@code UndertowProxy PORT BACKEND_URL}. As many IO threads as Sluice takes (one per
 * core, at least two); Undertow's defaults otherwise, except that a request finding every pooled
 * connection busy waits for one (as in Sluice) rather than getting a 503.
 */
public final class UndertowProxy {
    private UndertowProxy() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        LoadBalancingProxyClient client = new LoadBalancingProxyClient()
                .addHost(URI.create(args[1]))
                .setConnectionsPerThread(64)
                .setSoftMaxConnectionsPerThread(64)
                .setMaxQueueSize(10_000);
        Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setHandler(ProxyHandler.builder().setProxyClient(client).setMaxRequestTime(-1).build())
                .build()
                .start();
    }
}
