package dev.sluice.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations ({@code 250ms 5s 2m 1h 365d}) and sizes ({@code 512B 16KiB 10MiB 1GiB}, or plain bytes). */
public final class Units {
    private static final Pattern NUMBER_AND_UNIT = Pattern.compile("(\\d{1,18})([A-Za-z]*)");
    private static final String DURATION_FORM = "a whole number and a unit: 250ms, 5s, 2m or 1h";
    private static final String SIZE_FORM = "a whole number and a unit: 512B, 16KiB, 10MiB or 1GiB";

    private Units() {
    }

    /** @throws IllegalArgumentException saying what is wrong and how to write it */
    static Duration duration(String text, Duration min, Duration max) {
        Matcher m = NUMBER_AND_UNIT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (write " + DURATION_FORM + ")");
        }
        long n = Long.parseLong(m.group(1));
        if (n > max.toMillis()) {
            // no unit makes this short enough, and Duration.ofHours(n) could overflow
            throw new IllegalArgumentException(text + " is too long (at most " + format(max) + ")");
        }
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "" -> throw new IllegalArgumentException("'" + text + "' has no unit (write e.g. "
                    + n + "s or " + n + "ms)");
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + m.group(2)
                    + "' (write " + DURATION_FORM + ")");
        };
        if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException(text + " is too short (at least " + format(min) + ")");
        }
        if (d.compareTo(max) > 0) {
            throw new IllegalArgumentException(text + " is too long (at most " + format(max) + ")");
        }
        return d;
    }

    /** @throws IllegalArgumentException saying what is wrong and how to write it */
    static long size(String text, long min, long max) {
        Matcher m = NUMBER_AND_UNIT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (write " + SIZE_FORM + ")");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "", "B" -> 0;
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> throw new IllegalArgumentException(unknownSizeUnit(text, n, m.group(2)));
        };
        if (n > (max >> shift)) {
            throw new IllegalArgumentException(text + " is too large (at most " + formatSize(max) + ")");
        }
        long bytes = n << shift;
        if (bytes < min) {
            throw new IllegalArgumentException(text + " is too small (at least " + formatSize(min) + ")");
        }
        return bytes;
    }

    private static String unknownSizeUnit(String text, long n, String unit) {
        String binary = switch (unit.toLowerCase(Locale.ROOT)) {
            case "k", "kb", "kib" -> "KiB";
            case "m", "mb", "mib" -> "MiB";
            case "g", "gb", "gib" -> "GiB";
            case "b" -> "B";
            default -> null;
        };
        String hint = binary == null ? "" : "did you mean " + n + binary + "? ";
        return "'" + text + "' has an unknown unit '" + unit + "' (" + hint + "write " + SIZE_FORM + ")";
    }

    /** The shortest exact spelling, as a user would write it. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** The shortest exact spelling of a size, as a user would write it: {@code 16KiB}. */
    public static String formatSize(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes > 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return bytes + "B";
    }
}
