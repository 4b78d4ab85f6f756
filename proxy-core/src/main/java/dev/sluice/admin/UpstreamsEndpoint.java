package dev.sluice.admin;

import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.Plural;
import dev.sluice.json.Json;
import dev.sluice.upstream.Drain;
import dev.sluice.upstream.Server;
import dev.sluice.upstream.ServerState;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.sluice.admin.AdminAnswers.json;
import static dev.sluice.admin.AdminAnswers.notAllowed;
import static dev.sluice.admin.AdminAnswers.text;

/**
 * Taking a server out for a deploy and bringing it back, as an operator does with HAProxy's
 * {@code set server ... state drain}:
 *
 * <pre>
 *   GET  /upstreams                                  200 every upstream's servers and their state
 *   POST /upstreams/NAME/servers/SERVER/drain        200 the server; body optional: {"deadline": "5m"}
 *   POST /upstreams/NAME/servers/SERVER/enable       200 the server; 409 when the file disables it
 * </pre>
 * SERVER is the server's route, its {@code host:port} or its URL; one address of a name an
 * upstream resolves again ({@code resolve-interval}) is {@code host@address:port}. A drain sends new requests
 * and handshakes elsewhere at once (sticky sessions fail over); open tunnels stay until they
 * close, or until the deadline, when each peer gets a Close 1001. It lasts until {@code enable},
 * across reloads that still name the server.
 */
final class UpstreamsEndpoint {
    static final String PATH = "/upstreams";
    private static final int MAX_BODY_BYTES = 4096;
    private static final Logger log = LoggerFactory.getLogger(UpstreamsEndpoint.class);

    private final RunningProxy sluice;

    UpstreamsEndpoint(RunningProxy sluice) {
        this.sluice = sluice;
    }

    static boolean serves(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    /** Called on a worker thread: a drain may read a body. */
    void handle(HttpServerExchange exchange) throws IOException {
        String path = exchange.getRequestPath();
        HttpString method = exchange.getRequestMethod();
        if (path.equals(PATH)) {
            if (method.equals(Methods.GET) || method.equals(Methods.HEAD)) {
                Json json = new Json().beginObject();
                ServerJson.upstreams(json.name("upstreams"), sluice.upstreamServers());
                json(exchange, StatusCodes.OK, json.endObject().toString());
            } else {
                notAllowed(exchange, "GET");
            }
            return;
        }
        // /upstreams/NAME/servers/SERVER/ACTION
        String[] parts = path.substring(PATH.length() + 1).split("/", -1);
        if (parts.length != 4 || !parts[1].equals("servers") || !(parts[3].equals("drain") || parts[3].equals("enable"))) {
            text(exchange, StatusCodes.NOT_FOUND, "no such admin endpoint: " + path + " (there are GET /upstreams,"
                    + " POST /upstreams/NAME/servers/SERVER/drain and .../enable)");
            return;
        }
        if (!method.equals(Methods.POST)) {
            notAllowed(exchange, "POST");
            return;
        }
        String upstream = decode(parts[0]);
        List<Server> servers = sluice.upstreamServers().get(upstream);
        if (servers == null) {
            text(exchange, StatusCodes.NOT_FOUND, "no upstream named '" + upstream + "' (GET /upstreams lists them)");
            return;
        }
        String name = decode(parts[2]);
        Server server = servers.stream().filter(s -> names(s, name)).findFirst().orElse(null);
        if (server == null) {
            text(exchange, StatusCodes.NOT_FOUND, "upstream " + upstream + " has no server '" + name + "' (name it by"
                    + " route, host:port or URL: " + servers.stream().map(Server::name).collect(Collectors.joining(", ")) + ")");
            return;
        }
        if (parts[3].equals("drain")) {
            drain(exchange, server);
        } else {
            enable(exchange, server);
        }
    }

    private void drain(HttpServerExchange exchange, Server server) throws IOException {
        String source = "POST " + exchange.getRequestPath();
        exchange.startBlocking();
        byte[] body = exchange.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            text(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, source + ": the body is over " + MAX_BODY_BYTES + " bytes");
            return;
        }
        Duration deadline;
        try {
            deadline = ConfigLoader.parseDrain(new String(body, StandardCharsets.UTF_8), source);
        } catch (ConfigException e) {
            text(exchange, StatusCodes.BAD_REQUEST, e.problems().stream().map(ConfigProblem::toString)
                    .collect(Collectors.joining("\n")));
            return;
        }
        if (server.startDrain(deadline) && deadline != null) {
            Drain drain = server.drain();
            CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> closeTunnelsAtDeadline(server, drain));
        }
        json(exchange, StatusCodes.OK, ServerJson.server(new Json(), server).toString());
    }

    private void closeTunnelsAtDeadline(Server server, Drain drain) {
        if (server.drain() != drain) {
            return; // enabled again, or drained anew since
        }
        int closed = sluice.tunnels().closeTunnelsOf(server, "drain of " + server.name() + " reached its deadline");
        log.info("SLU6009 {} reached its drain deadline: {} closed (1001)", server, Plural.of(closed, "open tunnel"));
    }

    private void enable(HttpServerExchange exchange, Server server) {
        if (server.state() == ServerState.DISABLED) {
            text(exchange, StatusCodes.CONFLICT, server + " is disabled by the configuration file (remove"
                    + " disabled: true and reload)");
            return;
        }
        server.enable();
        json(exchange, StatusCodes.OK, ServerJson.server(new Json(), server).toString());
    }

    /** One address of a name (resolve-interval) only by its own name: host:port and the URL name them all. */
    private static boolean names(Server s, String name) {
        return name.equals(s.name()) || s.member() == null && name.equals(s.url().getHost() + ":" + s.url().getPort())
                || name.equals(s.url().toString()) || name.equals(s.url().toString() + "/");
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
}
