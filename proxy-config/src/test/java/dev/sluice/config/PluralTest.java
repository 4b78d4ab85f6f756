package dev.sluice.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PluralTest {

    @Test
    void oneTakesTheSingularEveryOtherCountThePlural() {
        assertEquals("1 message", Plural.of(1, "message"));
        assertEquals("0 messages", Plural.of(0, "message"));
        assertEquals("2 messages", Plural.of(2, "message"));
        assertEquals("1 open tunnel stays", Plural.of(1, "open tunnel stays", "open tunnels stay"));
        assertEquals("3 open tunnels stay", Plural.of(3, "open tunnel stays", "open tunnels stay"));
    }
}
