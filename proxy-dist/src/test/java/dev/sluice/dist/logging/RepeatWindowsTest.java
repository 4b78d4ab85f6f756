package dev.sluice.dist.logging;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepeatWindowsTest {
    private static final long WINDOW = TimeUnit.SECONDS.toNanos(10);

    private final Map<String, Long> reported = new ConcurrentHashMap<>();
    private final RepeatWindows<String> windows = new RepeatWindows<>(WINDOW, 3, 4, reported::put);

    @Test
    void admitsTheBurstThenCountsTheRestAndReportsThemWhenTheWindowEnds() {
        List<Boolean> admitted = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            admitted.add(windows.admit("SLU1404", i));
        }
        assertEquals(List.of(true, true, true), admitted.subList(0, 3));
        assertFalse(admitted.subList(3, 1_000).contains(true), "the rest are folded");

        windows.closeExpired(WINDOW - 1);
        assertEquals(Map.of(), reported, "not before the window ends");
        windows.closeExpired(WINDOW);
        assertEquals(Map.of("SLU1404", 997L), reported);
        assertEquals(0, windows.openWindows(), "a closed window is forgotten");
    }

    @Test
    void theFirstOccurrenceAfterTheWindowReportsItAndOpensANewOne() {
        for (int i = 0; i < 5; i++) {
            windows.admit("SLU1404", 0);
        }
        assertTrue(windows.admit("SLU1404", WINDOW), "a new window starts with a line written");
        assertEquals(Map.of("SLU1404", 2L), reported);
        assertTrue(windows.admit("SLU1404", WINDOW + 1));
        assertTrue(windows.admit("SLU1404", WINDOW + 2));
        assertFalse(windows.admit("SLU1404", WINDOW + 3));
    }

    @Test
    void eachKeyHasItsOwnWindowAndAWindowWithNothingFoldedReportsNothing() {
        for (int i = 0; i < 4; i++) {
            assertEquals(i < 3, windows.admit("SLU1404", 0));
            assertEquals(i < 3, windows.admit("SLU1520", 5));
        }
        windows.admit("SLU0001", 0);
        windows.closeExpired(WINDOW + 5);
        assertEquals(Map.of("SLU1404", 1L, "SLU1520", 1L), reported);
    }

    @Test
    void keysBeyondTheCapAreAlwaysWrittenAndNeverHeld() {
        for (String key : List.of("a", "b", "c", "d")) {
            windows.admit(key, 0);
        }
        for (int i = 0; i < 100; i++) {
            assertTrue(windows.admit("e", 0), "an untracked kind is written, not lost");
        }
        assertEquals(4, windows.openWindows());
        windows.closeExpired(WINDOW);
        assertTrue(windows.admit("e", WINDOW), "tracked again once there is room");
        assertEquals(1, windows.openWindows());
    }

    @Test
    void underRacesEveryOccurrenceIsEitherAdmittedOrReportedExactlyOnce() throws Exception {
        // 1 µs windows closed by a timer thread and by the loggers at once: nothing counted twice or lost
        LongAdder folded = new LongAdder();
        RepeatWindows<String> racing = new RepeatWindows<>(1_000, 3, 4, (key, count) -> folded.add(count));
        int threads = 4;
        int each = 200_000;
        LongAdder admitted = new LongAdder();
        AtomicBoolean logging = new AtomicBoolean(true);
        Thread closer = new Thread(() -> {
            while (logging.get()) {
                racing.closeExpired(System.nanoTime());
            }
        });
        closer.start();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    if (racing.admit(i % 2 == 0 ? "even" : "odd", System.nanoTime())) {
                        admitted.increment();
                    }
                }
                done.countDown();
            }).start();
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        logging.set(false);
        closer.join();
        racing.closeAll();
        assertEquals((long) threads * each, admitted.sum() + folded.sum());
        assertTrue(folded.sum() > 0, "something was folded");
    }
}
