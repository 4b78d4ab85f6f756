package dev.sluice.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The URLs an upstream behind strip-prefix writes, as the client gets them. */
class UpstreamUrlsTest {
    /** The client asked http://example.com:8080 (Host as sent upstream); the upstream server is 10.0.0.5:8081. */
    private static final Supplier<SiteAuthorities> SITE = () -> new SiteAuthorities("http",
            List.of("example.com:8080", "www.example.com"), "http", List.of("app.internal:8081", "10.0.0.5:8081"));

    private static final Supplier<SiteAuthorities> NEVER_ASKED = () -> {
        throw new AssertionError("only an absolute URL needs to know whose site it is on");
    };

    // Route /static/ (or /static: strip-prefix maps both /static/x to /x, so both map /x back to /static/x).
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // absolute paths: the prefix goes in front, whatever follows
            "/sub/                               | /static/sub/",
            "/                                   | /static/",
            "/sub?a=1&b=/x#top                   | /static/sub?a=1&b=/x#top",
            "/static/x                           | /static/static/x",
            // the site the client asked for (Host, X-Forwarded-Host): scheme and host kept, the upstream's choice
            "http://example.com:8080/sub/        | http://example.com:8080/static/sub/",
            "HTTP://Example.COM:8080/sub/        | HTTP://Example.COM:8080/static/sub/",
            "https://www.example.com/login?n=/a  | https://www.example.com/static/login?n=/a",
            "https://www.example.com:443/        | https://www.example.com:443/static/",
            "http://example.com:8080             | http://example.com:8080/static/",
            "http://example.com:8080?q=1         | http://example.com:8080/static/?q=1",
            "//www.example.com/sub/              | //www.example.com/static/sub/",
            // the upstream server itself, which the client cannot reach: a path on the client's site
            "http://10.0.0.5:8081/sub/           | /static/sub/",
            "http://APP.internal:8081/sub/?x=1   | /static/sub/?x=1",
            "http://app.internal:8081            | /static/",
            // anything else is left alone
            "http://example.com/sub/             | http://example.com/sub/",
            "http://other.example:8080/sub/      | http://other.example:8080/sub/",
            "http://10.0.0.5:8082/sub/           | http://10.0.0.5:8082/sub/",
            "http://user@example.com:8080/       | http://user@example.com:8080/",
            "ftp://example.com:8080/sub/         | ftp://example.com:8080/sub/",
            "mailto:a@example.com                | mailto:a@example.com",
            "sub/?next=http://example.com:8080/  | sub/?next=http://example.com:8080/",
    })
    void urlsOnThisSiteGetThePrefixBack(String upstream, String client) {
        assertEquals(client, UpstreamUrls.clientUrl(upstream, StrippedPrefix.of("/static/"), SITE));
        assertEquals(client, UpstreamUrls.clientUrl(upstream, StrippedPrefix.of("/static"), SITE));
    }

    // Relative references resolve against the client's own URL, which is under the prefix already.
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"sub/", "../x", "?page=2", "#top", "''", "x:y"})
    void relativeReferencesAreLeftAlone(String relative) {
        assertEquals(relative, UpstreamUrls.clientUrl(relative, StrippedPrefix.of("/static/"), NEVER_ASKED));
    }

    // The prefix is written as a client sends it: routes match decoded paths.
    @Test
    void aPrefixWithCharactersOutsideUrlsIsEncoded() {
        assertEquals("/caf%C3%A9%20bar/sub/", UpstreamUrls.clientUrl("/sub/", StrippedPrefix.of("/café bar/"), NEVER_ASKED));
    }

    // A route on "/" strips nothing, so there is nothing to put back.
    @Test
    void theRootPrefixNeedsNoRestore() {
        assertNull(StrippedPrefix.of("/"));
    }

    // Refresh: a delay, then the URL as browsers find it (url= optional, any case, quoted or not).
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "5; url=/sub/                        | 5; url=/static/sub/",
            "0;URL=http://example.com:8080/a     | 0;URL=http://example.com:8080/static/a",
            "3, url = '/sub/' ; ignored          | 3, url = '/static/sub/' ; ignored",
            "1; URL=\"/sub/\"                    | 1; URL=\"/static/sub/\"",
            "5; /sub/                            | 5; /static/sub/",
            "2.5 url=/a                          | 2.5 url=/static/a",
            "5                                   | 5",
            "5; url=sub/                         | 5; url=sub/",
            "5; url=http://other.example/        | 5; url=http://other.example/",
            "soon; url=/sub/                     | soon; url=/sub/",
    })
    void refreshUrlGetsThePrefixBack(String upstream, String client) {
        assertEquals(client, UpstreamUrls.refresh(upstream, StrippedPrefix.of("/static/"), SITE));
    }
}
