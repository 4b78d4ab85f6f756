package dev.sluice.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A certificate a TLS listener serves now, as the metrics and the status report show it.
 *
 * @param listener the listener's bound address, {@code 127.0.0.1:8443}
 * @param name     the name that labels it (its first DNS name)
 * @param names    every name it covers
 * @param notAfter when it expires
 * @param file     the certificate (or keystore) file it was read from
 */
public record ServedCertificate(String listener, String name, List<String> names, Instant notAfter, String file) {
    public ServedCertificate {
        names = List.copyOf(names);
    }

    /** Seconds from {@code now} to its expiry; negative once expired. */
    public long secondsLeft(Instant now) {
        return Duration.between(now, notAfter).toSeconds();
    }

    /** Whole days from {@code now} to its expiry, rounded down (-1 on the day after it expired). */
    public long daysLeft(Instant now) {
        return Math.floorDiv(secondsLeft(now), 86_400L);
    }
}
