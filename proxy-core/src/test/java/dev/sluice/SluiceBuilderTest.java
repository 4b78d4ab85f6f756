package dev.sluice;

import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder's configuration does not depend on the order of its calls, and names never clash. */
class SluiceBuilderTest {
    private static final URI APP = URI.create("http://127.0.0.1:9");
    private static final URI OTHER = URI.create("http://127.0.0.1:10");
    private static final Duration FIVE = Duration.ofSeconds(5);

    // responseTimeout after the route: it used to apply only to routes added after it.
    @Test
    void responseTimeoutAppliesToRoutesAddedBeforeIt() {
        SluiceConfig after = Sluice.builder().route("/", APP).responseTimeout(FIVE).config();
        SluiceConfig before = Sluice.builder().responseTimeout(FIVE).route("/", APP).config();

        assertEquals(FIVE, after.upstreams().get("upstream-1").responseTimeout());
        assertEquals(before.upstreams(), after.upstreams());
        assertEquals(before.routes(), after.routes());
    }

    // An upstream the user named upstream-1, added after a generated one would have had that name:
    // the user's name wins, the generated one takes the next free name, and each route keeps its upstream.
    @Test
    void generatedNamesSkipTheNamesAUserGave() {
        SluiceConfig config = Sluice.builder()
                .route("/a/", APP)
                .upstream(UpstreamConfig.of("upstream-1", List.of(new ServerConfig(OTHER, null))))
                .route(RouteConfig.of("/b/", "upstream-1"))
                .config();

        assertEquals(List.of("upstream-1", "upstream-2"), List.copyOf(config.upstreams().keySet()));
        assertEquals(OTHER, config.upstreams().get("upstream-1").servers().get(0).url());
        assertEquals(APP, config.upstreams().get("upstream-2").servers().get(0).url());
        assertEquals("upstream-2", config.routes().get(0).upstream());
        assertEquals("upstream-1", config.routes().get(1).upstream());
    }

    // The same name given twice used to replace the first upstream silently.
    @Test
    void aNameGivenTwiceIsRefused() {
        SluiceBuilder builder = Sluice.builder().upstream(UpstreamConfig.of("app", List.of(new ServerConfig(APP, null))));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.upstream(UpstreamConfig.of("app", List.of(new ServerConfig(OTHER, null)))));
        assertTrue(e.getMessage().contains("upstream named app was added already"), e.getMessage());
    }
}
