package dev.sluice.runtime;

import dev.sluice.config.RouteConfig;
import dev.sluice.config.WebSocketConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a request path is normalised before routing, and what is refused. */
class RequestPathTest {

    // Dot segments resolve and empty segments merge, so /ws/../chat/x is routed (and forwarded) as /chat/x.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/,                /",
            "/chat/x,          /chat/x",
            "/ws/./chat/x,     /ws/chat/x",
            "/ws/x/../chat/x,  /ws/chat/x",
            "/ws/../chat/x,    /chat/x",
            "/./chat/x,        /chat/x",
            "//chat/x,         /chat/x",
            "/chat//x//,       /chat/x/",
            "/a/.,             /a/",
            "/a/..,            /",
            "/a/../,           /",
            "/a/b/../../c,     /c",
            "/./,              /",
            "/a/%2e%2E/b,      /b",
            "/a/.%2e/b,        /b",
            "/a/%2e/b,         /a/b",
            "/a..b/..c/.d,     /a..b/..c/.d",
    })
    void dotSegmentsResolveAndEmptySegmentsMerge(String raw, String normalised) {
        RequestPath path = RequestPath.normalise(raw);
        assertEquals(normalised, path.raw());
        assertEquals(normalised, path.decoded());
    }

    // Escapes of unreserved characters are decoded; reserved and other escapes stay, their hex upper-cased.
    @ParameterizedTest(name = "{0} -> raw {1}, decoded {2}")
    @CsvSource(delimiter = '|', value = {
            "/chat/%78       | /chat/x         | /chat/x",
            "/%41%7e%7E%2D%5F| /A~~-_          | /A~~-_",
            "/a%20b          | /a%20b          | /a b",
            "/a%3Fb          | /a%3Fb          | /a?b",
            "/a%3fb          | /a%3Fb          | /a?b",
            "/a%3Bb          | /a%3Bb          | /a;b",
            "/a%252F         | /a%252F         | /a%2F",
            "/caf%c3%a9      | /caf%C3%A9      | /café",
            "/a%ff           | /a%FF           | /a\uFFFD",
            "/a+b            | /a+b            | /a+b",
            "/a!b$c:d@e      | /a!b$c:d@e      | /a!b$c:d@e",
    })
    void unreservedEscapesAreDecodedOthersKept(String raw, String normalised, String decoded) {
        RequestPath path = RequestPath.normalise(raw);
        assertEquals(normalised, path.raw());
        assertEquals(decoded, path.decoded());
    }

    // Path parameters stay with their segment in what is forwarded; routing sees the path without them.
    @ParameterizedTest(name = "{0} -> raw {1}, decoded {2}")
    @CsvSource(delimiter = '|', value = {
            "/chat/x;jsessionid=ABC.node1 | /chat/x;jsessionid=ABC.node1 | /chat/x",
            "/chat;v=1/x                  | /chat;v=1/x                  | /chat/x",
            "/a;x=1/../b                  | /b                           | /b",
            "/a/..;x=1/b                  | /b                           | /b",
            "/a/.;x/b                     | /a/b                         | /a/b",
            "/a/;x/b                      | /a/b                         | /a/b",
            "/app/;jsessionid=ABC         | /app/;jsessionid=ABC         | /app/",
            "/;jsessionid=ABC             | /;jsessionid=ABC             | /",
            "/a;p=%7e%3d                  | /a;p=~%3D                    | /a",
    })
    void pathParametersBelongToTheirSegment(String raw, String normalised, String decoded) {
        RequestPath path = RequestPath.normalise(raw);
        assertEquals(normalised, path.raw());
        assertEquals(decoded, path.decoded());
    }

    // What back ends read differently, or what would climb above the root, is refused with a reason.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "/../x              | climbs above /",
            "/..                | climbs above /",
            "/a/../../x         | climbs above /",
            "/a/%2e%2e/%2e%2e/x | climbs above /",
            "/./..;x/x          | climbs above /",
            "/a%2Fb             | encoded '/'",
            "/a%2fb             | encoded '/'",
            "/a;p=%2F/b         | encoded '/'",
            "/a%5Cb             | encoded '\\'",
            "/a%5cb             | encoded '\\'",
            "/a\\b              | a '\\'",
            "/a%00b             | encoded NUL",
            "/a%zzb             | malformed percent-escape",
            "/a%                | malformed percent-escape",
            "/a%4               | malformed percent-escape",
            "/a%\u0663\u0663    | malformed percent-escape",
            "*                  | not a path",
    })
    void refusedWithAReason(String raw, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RequestPath.normalise(raw));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    // strip-prefix cuts whole segments from the normalised raw path, keeping the rest's escapes and parameters.
    @ParameterizedTest(name = "{0} less {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "/api/x           | /api/ | /x",
            "/api/./x%3F;j=1  | /api/ | /x%3F;j=1",
            "/api;v=2/x       | /api/ | /x",
            "/api/            | /api/ | /",
            "/api/;jsessionid=A | /api/ | /;jsessionid=A",
            "/api             | /api  | /",
            "/api/x           | /api  | /x",
            "/apix/y          | /api  | /x/y",
            "/a%20bx/y        | /a b  | /x/y",
            "/x               | /     | /x",
    })
    void stripPrefixCutsTheNormalisedPath(String raw, String prefix, String upstream) {
        Route route = new Route(new RouteConfig(prefix, null, "app", true, WebSocketConfig.DEFAULTS), null);
        assertEquals(upstream, route.upstreamPath(RequestPath.normalise(raw)));
    }

    // Whether the prefix goes back into the answer (Location, ...) is decided once per route: a
    // route that strips nothing, or only "/", has no restore, and its answers cost nothing.
    @Test
    void onlyARouteThatStripsAPrefixPutsItBack() {
        assertNull(new Route(RouteConfig.of("/static/", "app"), null).prefixRestore());
        assertNull(new Route(new RouteConfig("/", null, "app", true, WebSocketConfig.DEFAULTS), null).prefixRestore());
        assertNotNull(new Route(new RouteConfig("/static", null, "app", true, WebSocketConfig.DEFAULTS), null)
                .prefixRestore());
    }

    // Without strip-prefix the normalised path is forwarded whole.
    @Test
    void withoutStripPrefixTheNormalisedPathIsForwarded() {
        Route route = new Route(RouteConfig.of("/chat/", "app"), null);
        assertEquals("/chat/x;jsessionid=ABC", route.upstreamPath(RequestPath.normalise("/ws/../chat/%78;jsessionid=ABC")));
    }

    // Most paths skip the splitting: for every path below, built from pieces that each matter to
    // normalising, the short way and the general one give the same raw, decoded and stripped forms.
    @Test
    void aPlainPathTakesTheShortWayWithTheSameOutcome() {
        String[] pieces = {"a", ".", "..", "", "b.c", ".d", "e..", "%41", ";p=1", "x~_-", "\u00e9"};
        java.util.Random random = new java.util.Random(18);
        int plain = 0;
        for (int n = 0; n < 5_000; n++) {
            StringBuilder path = new StringBuilder();
            for (int segment = random.nextInt(5); segment >= 0; segment--) {
                path.append('/').append(pieces[random.nextInt(pieces.length)]);
            }
            String raw = path.toString();
            RequestPath general;
            try {
                general = RequestPath.split(raw);
            } catch (IllegalArgumentException refused) {
                assertThrows(IllegalArgumentException.class, () -> RequestPath.normalise(raw), raw);
                continue;
            }
            RequestPath normalised = RequestPath.normalise(raw);
            assertEquals(general.raw(), normalised.raw(), raw);
            assertEquals(general.decoded(), normalised.decoded(), raw);
            assertEquals(general.rawWithout(1), normalised.rawWithout(1), raw);
            if (RequestPath.isPlain(raw)) {
                plain++;
                assertEquals(raw, normalised.raw(), raw);
            }
        }
        assertTrue(plain > 500, "plain paths among them: " + plain);
    }
}
