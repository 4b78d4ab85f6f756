package dev.sluice.upstream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RiseFallTest {
    @Test
    void startsUpGoesDownAfterFallFailuresAndUpAfterRiseSuccesses() {
        RiseFall riseFall = new RiseFall(2, 3);
        assertTrue(riseFall.up());
        assertEquals(0, riseFall.record(false));
        assertEquals(0, riseFall.record(false));
        assertEquals(3, riseFall.record(false));
        assertFalse(riseFall.up());
        assertEquals(0, riseFall.record(false), "staying down is no change");
        assertEquals(0, riseFall.record(true));
        assertEquals(2, riseFall.record(true));
        assertTrue(riseFall.up());
    }

    @Test
    void oneResultTheOtherWayStartsTheCountAgain() {
        RiseFall riseFall = new RiseFall(2, 2);
        assertEquals(0, riseFall.record(false));
        assertEquals(0, riseFall.record(true));
        assertEquals(0, riseFall.record(false));
        assertTrue(riseFall.up());
        assertEquals(2, riseFall.record(false));
        assertEquals(0, riseFall.record(true));
        assertEquals(0, riseFall.record(false));
        assertEquals(0, riseFall.record(true));
        assertFalse(riseFall.up());
    }

    @Test
    void firstChecksAreSpreadOverOneInterval() {
        assertEquals(0, HealthChecks.firstDelay(0, 4, 400));
        assertEquals(100, HealthChecks.firstDelay(1, 4, 400));
        assertEquals(300, HealthChecks.firstDelay(3, 4, 400));
        assertEquals(0, HealthChecks.firstDelay(0, 1, 400));
    }
}
