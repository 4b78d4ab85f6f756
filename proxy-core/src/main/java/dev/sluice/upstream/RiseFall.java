package dev.sluice.upstream;

/**
 * HAProxy's rise and fall for one server: it starts up (or where its checks left it before a reload), goes down after {@code fall} failed
 * checks in a row and comes up again after {@code rise} good ones in a row. A single result the
 * other way starts the count again, so a flapping server does not flap its state.
 */
final class RiseFall {
    private final int rise;
    private final int fall;
    private boolean up = true;
    private int streak;

    RiseFall(int rise, int fall) {
        this(rise, fall, true);
    }

    /** @param up where it starts: a server a reload keeps goes on from the state its checks gave it */
    RiseFall(int rise, int fall, boolean up) {
        this.rise = rise;
        this.fall = fall;
        this.up = up;
    }

    /** Counts one result; the length of the streak that just changed the state, or 0 when it did not change. */
    int record(boolean healthy) {
        if (healthy == up) {
            streak = 0;
            return 0;
        }
        streak++;
        if (streak < (up ? fall : rise)) {
            return 0;
        }
        up = healthy;
        int decided = streak;
        streak = 0;
        return decided;
    }

    boolean up() {
        return up;
    }
}
