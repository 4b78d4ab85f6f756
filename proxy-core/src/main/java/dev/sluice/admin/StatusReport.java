package dev.sluice.admin;

import dev.sluice.http.SocketAddresses;

import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.json.Json;
import dev.sluice.observe.ServedCertificate;
import dev.sluice.tunnel.Tunnel;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/** {@code GET /status}: what a person or a script wants to know about a running proxy, as JSON. */
final class StatusReport {
    private StatusReport() {
    }

    static String of(RunningProxy sluice) {
        SluiceConfig config = sluice.config();
        Json json = new Json().beginObject();
        json.member("ready", sluice.isReady());
        json.member("requests", sluice.metrics().requestsTotal());
        json.name("config").beginObject()
                .member("source", config.source())
                .member("hash", config.hash())
                .member("loaded", sluice.configLoadedAt().toString())
                .endObject();
        json.name("listeners").beginArray();
        List<InetSocketAddress> addresses = sluice.listenerAddresses();
        for (int i = 0; i < addresses.size(); i++) {
            json.value((sluice.isTls(i) ? "https://" : "http://") + SocketAddresses.text(addresses.get(i)));
        }
        json.endArray();
        // what each TLS listener serves: an operator's first question when browsers start to warn
        Instant now = Instant.now();
        json.name("certificates").beginArray();
        for (ServedCertificate c : sluice.certificates()) {
            json.beginObject().member("listener", "https://" + c.listener()).member("name", c.name());
            json.name("names").beginArray();
            c.names().forEach(json::value);
            json.endArray()
                    .member("notAfter", c.notAfter().toString())
                    .member("daysLeft", c.daysLeft(now))
                    .member("file", c.file())
                    .endObject();
        }
        json.endArray();
        json.name("routes").beginArray();
        for (RouteConfig route : config.routes()) {
            json.beginObject().member("host", route.host()).member("path", route.path())
                    .member("subprotocol", route.subprotocol()).member("upstream", route.upstream())
                    .member("websocket", route.websocket().enabled()).endObject();
        }
        json.endArray();
        ServerJson.upstreams(json.name("upstreams"), sluice.upstreamServers());
        FaultJson.array(json.name("faults"), sluice.faults().list());
        json.name("tunnels").beginObject()
                .member("total", sluice.tunnels().total());
        tunnels(json.name("open"), sluice.tunnels().list());
        tunnels(json.name("recentlyClosed"), sluice.tunnels().recentlyClosed());
        json.endObject();
        return json.endObject().toString();
    }

    private static void tunnels(Json json, List<Tunnel> tunnels) {
        json.beginArray();
        for (Tunnel t : tunnels) {
            json.beginObject()
                    .member("id", t.id())
                    .member("route", t.route())
                    .member("client", SocketAddresses.text(t.client()))
                    .member("upstream", t.upstream())
                    .member("server", SocketAddresses.text(t.server()))
                    .member("started", t.started().toString())
                    .member("ageMillis", t.age().toMillis())
                    .member("bytesToUpstream", t.bytesToUpstream())
                    .member("bytesToClient", t.bytesToClient())
                    .member("messagesToUpstream", t.messagesToUpstream())
                    .member("messagesToClient", t.messagesToClient());
            if (!t.isOpen()) {
                json.member("closeReason", t.closeReason())
                        .member("clientCloseCode", t.clientCloseCode())
                        .member("upstreamCloseCode", t.upstreamCloseCode());
            }
            json.endObject();
        }
        json.endArray();
    }

}
