package dev.sluice.fault;

import dev.sluice.config.FaultConfig;

import java.time.Duration;

/** How a fault is written in the log: its type and the parameters it has. */
final class FaultLines {
    private FaultLines() {
    }

    static String describe(FaultConfig c) {
        StringBuilder s = new StringBuilder(c.type().yamlName());
        if (c.route() != null) {
            s.append(" route=").append(c.route());
        }
        s.append(" direction=").append(c.direction().yamlName());
        append(s, "latency", c.latency());
        append(s, "jitter", c.jitter());
        append(s, "delay", c.delay());
        append(s, "rate", c.rate(), "B/s");
        append(s, "bytes", c.bytes(), "");
        append(s, "segment", c.segment(), "B");
        append(s, "status", c.status(), "");
        append(s, "code", c.code(), "");
        if (c.count() != FaultConfig.ALL) {
            s.append(" count=").append(c.count());
        }
        if (c.probability() < 1) {
            s.append(" probability=").append(c.probability());
        }
        return s.toString();
    }

    private static void append(StringBuilder s, String key, long n, String unit) {
        if (n > 0) {
            s.append(' ').append(key).append('=').append(n).append(unit);
        }
    }

    private static void append(StringBuilder s, String key, Duration d) {
        if (d != null) {
            s.append(' ').append(key).append('=').append(d.toMillis()).append("ms");
        }
    }
}
