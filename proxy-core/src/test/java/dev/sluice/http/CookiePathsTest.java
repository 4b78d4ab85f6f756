package dev.sluice.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** rewrite-cookie-path: the Path of an upstream's cookie, as the browser must scope it. */
class CookiePathsTest {
    // Route /static/: only the Path value changes; the rest of the line stays as written.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "a=1; Path=/x                                  | a=1; Path=/static/x",
            "a=1; Path=/                                   | a=1; Path=/static/",
            "a=1;path=/x;HttpOnly                          | a=1;path=/static/x;HttpOnly",
            "a=1; Secure; PATH = /x/y ; SameSite=Lax       | a=1; Secure; PATH = /static/x/y ; SameSite=Lax",
            "a=1; Path=/a; Path=/b                         | a=1; Path=/static/a; Path=/static/b",
            "SESSION=Path=/x; Max-Age=60                   | SESSION=Path=/x; Max-Age=60",
            "a=1; Max-Age=60                               | a=1; Max-Age=60",
            "a=1; Path=x                                   | a=1; Path=x",
            "a=1; Path=                                    | a=1; Path=",
            "a=1; Pathology=/x; Domain=example.com         | a=1; Pathology=/x; Domain=example.com",
            "a=1                                           | a=1",
    })
    void pathGetsThePrefixBack(String upstream, String client) {
        assertEquals(client, CookiePaths.clientCookie(upstream, StrippedPrefix.of("/static/")));
    }

    // Route /static (no slash): Path=/ is /static, which a browser sends to /static and below, not to /staticx.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "a=1; Path=/   | a=1; Path=/static",
            "a=1; Path=/x  | a=1; Path=/static/x",
    })
    void withoutTheSlashPathRootIsThePrefix(String upstream, String client) {
        assertEquals(client, CookiePaths.clientCookie(upstream, StrippedPrefix.of("/static")));
    }
}
