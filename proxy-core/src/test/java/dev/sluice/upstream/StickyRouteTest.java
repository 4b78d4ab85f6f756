package dev.sluice.upstream;

import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Where a Tomcat session says it lives: cookie, or the path parameter Tomcat writes without cookies. */
class StickyRouteTest {
    private static String cookies(String... headers) {
        HeaderMap map = new HeaderMap();
        for (String h : headers) {
            map.add(Headers.COOKIE, h);
        }
        return StickyRoute.fromCookies(map.get(Headers.COOKIE), "JSESSIONID");
    }

    @Test
    void cookieRouteIsWhatFollowsTheFirstDot() {
        assertEquals("node2", cookies("JSESSIONID=ABC123.node2"));
        assertEquals("node2", cookies("theme=dark; JSESSIONID=ABC123.node2; lang=en"));
        assertEquals("node1", cookies("a=b", "JSESSIONID=\"X.node1\""));
        assertEquals("n.1", cookies("JSESSIONID=X.n.1"));
        assertNull(cookies("JSESSIONID=ABC123"));
        assertNull(cookies("JSESSIONID=ABC."));
        assertNull(cookies("XJSESSIONID=A.node1; jsessionid=A.node1"), "the cookie's name is exact");
        assertNull(StickyRoute.fromCookies(null, "JSESSIONID"));
    }

    @Test
    void pathParameterRouteAsTomcatRewritesUrls() {
        assertEquals("node2", StickyRoute.fromPath("/app/cart;jsessionid=ABC.node2", "JSESSIONID"));
        assertEquals("node2", StickyRoute.fromPath("/app/;JSESSIONID=ABC.node2;v=1/x", "JSESSIONID"));
        assertEquals("node1", StickyRoute.fromPath("/a;x=1;jsessionid=Q.node1/b", "JSESSIONID"));
        assertNull(StickyRoute.fromPath("/app/cart;jsessionidx=A.node2", "JSESSIONID"));
        assertNull(StickyRoute.fromPath("/app/cart;jsessionid=A", "JSESSIONID"));
        assertNull(StickyRoute.fromPath("/app/cart", "JSESSIONID"));
        assertNull(StickyRoute.fromPath("/app/cart;jsessionid", "JSESSIONID"));
    }
}
