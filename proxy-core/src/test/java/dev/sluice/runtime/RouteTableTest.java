package dev.sluice.runtime;

import dev.sluice.config.RouteConfig;
import dev.sluice.config.WebSocketConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which route a host and path pick. */
class RouteTableTest {

    // Undertow gives the request's IPv6 host without brackets, the config keeps them: both must agree.
    @Test
    void ipv6HostRouteMatchesWithOrWithoutBrackets() {
        Route bracketed = route("[::1]", "/");
        Route bare = route("::1", "/b/");
        Route any = route(null, "/");
        RouteTable table = new RouteTable(List.of(any, bracketed, bare));

        assertEquals(bracketed, table.match("::1", "/x"), "Host: [::1]:8080 reaches routing as ::1");
        assertEquals(bracketed, table.match("[::1]", "/x"));
        assertEquals(bare, table.match("::1", "/b/x"), "a route host written without brackets");
        assertEquals("[::1]", bare.host());
        assertEquals(any, table.match("::2", "/x"));
    }

    // Host names compare without regard to case, on both sides.
    @Test
    void hostsCompareCaseInsensitively() {
        Route upper = route("API.Example", "/");
        RouteTable table = new RouteTable(List.of(upper));

        assertEquals(upper, table.match("api.EXAMPLE", "/x"));
        assertNull(table.match("other.example", "/x"));
    }

    // A handshake offering a route's subprotocol takes it; offering none of them, or not being a handshake,
    // takes the route without subprotocol on the same host and path.
    @Test
    void offeredSubprotocolPicksItsRouteAmongTheSameHostAndPath() {
        Route chat = route(null, "/chat/", "chat");
        Route superchat = route(null, "/chat/", "superchat");
        Route plain = route(null, "/chat/", null);
        RouteTable table = new RouteTable(List.of(plain, chat, superchat));

        assertEquals(chat, table.match("h", "/chat/x", List.of("chat")));
        assertEquals(superchat, table.match("h", "/chat/x", List.of("superchat")));
        assertEquals(plain, table.match("h", "/chat/x", List.of("other")));
        assertEquals(plain, table.match("h", "/chat/x", List.of("")), "an empty offer");
        assertEquals(plain, table.match("h", "/chat/x", List.of("Chat")), "subprotocols compare exactly");
        assertEquals(plain, table.match("h", "/chat/x"), "not a handshake, or no Sec-WebSocket-Protocol");
    }

    // Several offered subprotocols with routes: the client's order of preference decides, across header lines.
    @Test
    void firstOfferedSubprotocolWithARouteWins() {
        Route chat = route(null, "/chat/", "chat");
        Route superchat = route(null, "/chat/", "superchat");
        RouteTable table = new RouteTable(List.of(chat, superchat));

        assertEquals(superchat, table.match("h", "/chat/x", List.of("superchat, chat")));
        assertEquals(chat, table.match("h", "/chat/x", List.of("chat,superchat")));
        assertEquals(superchat, table.match("h", "/chat/x", List.of("other ,  superchat ,chat")));
        assertEquals(chat, table.match("h", "/chat/x", List.of("other", "chat", "superchat")), "several lines");
        assertEquals(superchat, table.match("h", "/chat/x", List.of(",", "x, superchat", "chat")));
    }

    // A longer path whose routes all need a subprotocol the request does not offer is skipped, as
    // nginx skips a location that does not match: the shorter prefix takes the request.
    @Test
    void unmatchedSubprotocolRouteFallsBackToAShorterPath() {
        Route chat = route(null, "/chat/", "chat");
        Route root = route(null, "/", null);
        RouteTable table = new RouteTable(List.of(root, chat));

        assertEquals(chat, table.match("h", "/chat/x", List.of("chat")));
        assertEquals(root, table.match("h", "/chat/x", List.of("superchat")));
        assertEquals(root, table.match("h", "/chat/x"));
        assertNull(new RouteTable(List.of(chat)).match("h", "/chat/x"), "no route without subprotocol: 404");
    }

    // The host still comes first: a host route without subprotocol beats an any-host route with one.
    @Test
    void hostComesBeforeSubprotocol() {
        Route hostPlain = route("example.com", "/", null);
        Route anyChat = route(null, "/chat/", "chat");
        Route hostChat = route("example.com", "/chat/", "chat");
        RouteTable table = new RouteTable(List.of(anyChat, hostPlain, hostChat));

        assertEquals(hostChat, table.match("example.com", "/chat/x", List.of("chat")));
        assertEquals(hostPlain, table.match("example.com", "/chat/x", List.of("superchat")));
        assertEquals(anyChat, table.match("other.example", "/chat/x", List.of("chat")));
        assertNull(table.match("other.example", "/chat/x", List.of("superchat")));
    }

    private static Route route(String host, String path) {
        return route(host, path, null);
    }

    private static Route route(String host, String path, String subprotocol) {
        return new Route(new RouteConfig(path, host, "app", false, WebSocketConfig.DEFAULTS, subprotocol), null);
    }
}
