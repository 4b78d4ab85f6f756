package dev.sluice.fault;

/**
 * When each piece of a paced stream may go (bandwidth, slice): no earlier than asked, and no
 * earlier than the piece before it allows. Used from one IO thread.
 */
final class Pace {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private long freeAt = Long.MIN_VALUE;

    /** How many bytes go at a time at this rate: a twentieth of a second's worth, so a slow rate trickles rather than bursts. */
    static int piece(long bytesPerSecond) {
        return (int) Math.max(1, Math.min(64 * 1024, bytesPerSecond / 20));
    }

    /** How long {@code bytes} take at this rate. */
    static long nanosFor(long bytes, long bytesPerSecond) {
        return bytes * NANOS_PER_SECOND / bytesPerSecond;
    }

    /**
     * When a piece may go, no earlier than {@code earliest}; the pace is then busy for {@code nanos}.
     *
     * @return the time the piece goes
     */
    long take(long earliest, long nanos) {
        long due = Math.max(earliest, freeAt);
        freeAt = due + nanos;
        return due;
    }

    /** The earliest the next piece may go. */
    long freeAt() {
        return freeAt;
    }
}
