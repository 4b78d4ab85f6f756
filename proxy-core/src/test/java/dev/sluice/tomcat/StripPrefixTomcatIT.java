package dev.sluice.tomcat;

import dev.sluice.Sluice;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Tomcat web app deployed at its root, mounted by Sluice under /static/ with strip-prefix and
 * rewrite-cookie-path: a browser-like client (following redirects, keeping cookies) finds the
 * app's directory page and keeps its session, though Tomcat writes both without the prefix.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StripPrefixTomcatIT {

    // Tomcat's DefaultServlet redirects the directory /sub to /sub/ (Location: /sub/, relative, as
    // Tomcat writes it by default); the client is sent to /static/sub/ and lands on its index.html.
    @Test
    void directoryRedirectLandsOnThePageUnderThePrefix() throws Exception {
        try (TomcatNode tomcat = TomcatNode.named("app").file("sub/index.html", "the sub page").start();
             Sluice proxy = proxyTo(tomcat)) {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> page = client.send(request(proxy, "/static/sub"), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, page.statusCode(), page.body());
            assertEquals("the sub page", page.body());
            assertEquals("/static/sub/", page.uri().getPath());
            HttpResponse<String> redirect = page.previousResponse().orElseThrow();
            assertEquals(302, redirect.statusCode());
            assertEquals("/static/sub/", redirect.headers().firstValue("Location").orElse(null));
        }
    }

    // Tomcat scopes JSESSIONID to its context path, "/": the browser gets Path=/static/ and sends
    // the cookie back under the prefix, so the session goes on.
    @Test
    void sessionCookieIsScopedToThePrefixAndComesBack() throws Exception {
        try (TomcatNode tomcat = TomcatNode.named("app").servlet("/session", new SessionCounterServlet("app")).start();
             Sluice proxy = proxyTo(tomcat)) {
            HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> first = client.send(request(proxy, "/static/session"), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> second = client.send(request(proxy, "/static/session"), HttpResponse.BodyHandlers.ofString());

            String setCookie = first.headers().firstValue("Set-Cookie").orElse("");
            assertTrue(setCookie.startsWith("JSESSIONID=") && setCookie.contains("; Path=/static/;"), setCookie);
            assertTrue(first.body().contains(" count=1 "), first.body());
            assertTrue(second.body().contains(" count=2 "), "the browser sent the session back: " + second.body());
        }
    }

    private static Sluice proxyTo(TomcatNode tomcat) {
        return Sluice.builder()
                .upstream(UpstreamConfig.of("app", List.of(new ServerConfig(tomcat.httpUri(), null))))
                .route(new RouteConfig("/static/", null, "app", true, true, WebSocketConfig.DEFAULTS, null))
                .start();
    }

    private static HttpRequest request(Sluice proxy, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
                .timeout(Duration.ofSeconds(10)).build();
    }
}
