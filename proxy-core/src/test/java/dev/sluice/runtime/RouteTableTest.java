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

    private static Route route(String host, String path) {
        return new Route(new RouteConfig(path, host, "app", false, WebSocketConfig.DEFAULTS), null);
    }
}
