package dev.sluice.tomcat;

import dev.sluice.Sluice;
import dev.sluice.testing.HttpClients;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link SessionCounterServlet} answered through the proxy: the node, the session's
 * request count and id, and the session cookie it set, if it set one.
 */
record Visit(String node, int count, String session, Optional<String> cookie) {
    private static final Pattern BODY = Pattern.compile("node=(\\S+) count=(\\d+) session=(\\S+)");

    /** One GET of {@code path} (or "/") through the proxy, with this Cookie header or none; fails unless 200. */
    static Visit of(Sluice proxy, String cookie, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri("http", path == null ? "/" : path))
                .timeout(Duration.ofSeconds(10));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        HttpResponse<String> response = HttpClients.HTTP_1_1.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> "status, body: " + response.body());
        Matcher m = BODY.matcher(response.body());
        assertTrue(m.matches(), () -> "body: " + response.body());
        Optional<String> setCookie = response.headers().firstValue("Set-Cookie").map(c -> c.split(";", 2)[0]);
        return new Visit(m.group(1), Integer.parseInt(m.group(2)), m.group(3), setCookie);
    }
}
