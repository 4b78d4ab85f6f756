package dev.sluice.config;

/**
 * A count with its noun for texts people read (log lines, answers, /status): "1 message",
 * "2 messages". Counts in those texts are often 1 (one tunnel left, one byte too many), and "1
 * messages" reads as a bug.
 */
public final class Plural {
    private Plural() {
    }

    /** {@code count} and the noun, with an s unless the count is 1. */
    public static String of(long count, String noun) {
        return of(count, noun, noun + "s");
    }

    /** {@code count} and the noun, for a noun whose plural is not the noun with an s. */
    public static String of(long count, String singular, String plural) {
        return count + " " + (count == 1 ? singular : plural);
    }
}
