package dev.sluice.admin;

import dev.sluice.json.Json;
import dev.sluice.upstream.Drain;
import dev.sluice.upstream.Server;

import java.util.List;
import java.util.Map;

/** The upstreams' servers as {@code GET /upstreams} and {@code /status} show them. */
final class ServerJson {
    private ServerJson() {
    }

    /** {@code [{"name": "app", "servers": [...]}, ...]} */
    static Json upstreams(Json json, Map<String, List<Server>> upstreams) {
        json.beginArray();
        upstreams.forEach((name, servers) -> {
            json.beginObject().member("name", name);
            json.name("servers").beginArray();
            servers.forEach(s -> server(json, s));
            json.endArray().endObject();
        });
        return json.endArray();
    }

    static Json server(Json json, Server s) {
        json.beginObject()
                .member("name", s.name())
                .member("url", s.url().toString())
                .member("route", s.route())
                .member("weight", s.weight())
                .member("backup", s.backup())
                .member("state", s.state().text())
                .member("problem", s.problem())
                .member("openRequests", s.openRequests())
                .member("openTunnels", s.openTunnels())
                .member("requests", s.requests())
                .member("connectErrors", s.connectErrors())
                .member("timeouts", s.timeouts())
                .member("resets", s.resets());
        Drain drain = s.drain();
        if (drain != null) {
            json.name("drain").beginObject().member("since", drain.since().toString())
                    .member("tunnelsCloseAt", drain.tunnelsCloseAt() == null ? null : drain.tunnelsCloseAt().toString())
                    .endObject();
        }
        return json.endObject();
    }
}
