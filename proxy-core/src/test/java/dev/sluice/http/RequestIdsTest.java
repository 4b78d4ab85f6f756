package dev.sluice.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which X-Request-Id a client may choose: one that cannot forge a field or a line of a log. */
class RequestIdsTest {
    @Test
    void visibleAsciiOfBoundedLengthOnly() {
        assertTrue(RequestIds.acceptable("4f2a9c"));
        assertTrue(RequestIds.acceptable("trace-1.2_3:abc/def=="));
        assertFalse(RequestIds.acceptable(null));
        assertFalse(RequestIds.acceptable(""));
        assertFalse(RequestIds.acceptable("a b"), "a space would add a field to the access log line");
        assertFalse(RequestIds.acceptable("a\"b"));
        assertFalse(RequestIds.acceptable("a\\b"));
        assertFalse(RequestIds.acceptable("a\tb"));
        assertFalse(RequestIds.acceptable("a\u0085b"));
        assertFalse(RequestIds.acceptable("é"));
        assertFalse(RequestIds.acceptable("x".repeat(201)));
        assertTrue(RequestIds.acceptable("x".repeat(200)));
    }
}
