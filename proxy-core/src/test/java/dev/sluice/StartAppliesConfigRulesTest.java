package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.config.ConfigException;
import dev.sluice.config.RouteConfig;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** A config built in code meets the rules that span fields before anything is bound. */
class StartAppliesConfigRulesTest {
    private static final URI NOWHERE = URI.create("http://127.0.0.1:9");

    @Test
    void routeToAnUnknownUpstreamIsRefusedByKeyPath() {
        // a route added as a record whose upstream was never added: the loader's message, named by key path
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sluice.builder().route(RouteConfig.of("/", "app")).start().close());
        assertEquals("builder: routes[0].upstream: unknown upstream 'app' (no upstreams are defined: add one under "
                + "upstreams, e.g. upstreams: { app: { servers: [ { url: http://127.0.0.1:8081 } ] } })",
                e.getMessage());
        assertInstanceOf(ConfigException.class, e.getCause());
    }

    @Test
    void sameMatchTwiceIsRefused() {
        // two routes for the same path: a file gets this refused, and so does the builder now
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sluice.builder().route("/", NOWHERE).route("/", NOWHERE).start().close());
        assertEquals("builder: routes[1].match: same match as routes[0] (host any, path /; change or remove one)",
                e.getMessage());
    }
}
