package dev.sluice.admin;

import dev.sluice.config.FaultConfig;
import dev.sluice.config.FaultType;
import dev.sluice.fault.ActiveFault;
import dev.sluice.json.Json;

import java.time.Duration;
import java.util.List;

/**
 * Faults as the admin API shows them. Each is {@code {"fault":{...},"acted":N}}, plus
 * {@code "remaining":N} for a counted message fault: {@code fault} holds exactly the keys
 * {@code POST /faults} takes for its type, written as the YAML takes them (durations as
 * {@code "200ms"}, sizes as plain byte counts), so it can be posted back as it is; the counts
 * beside it are what the fault has done, and are output only.
 */
final class FaultJson {
    private FaultJson() {
    }

    /** {@code {"faults":[...]}}. */
    static String list(List<ActiveFault> faults) {
        return array(new Json().beginObject().name("faults"), faults).endObject().toString();
    }

    /** The faults as a JSON array, e.g. for {@code /status}. */
    static Json array(Json json, List<ActiveFault> faults) {
        json.beginArray();
        faults.forEach(f -> active(json, f));
        return json.endArray();
    }

    static String one(ActiveFault fault) {
        return active(new Json(), fault).toString();
    }

    private static Json active(Json json, ActiveFault fault) {
        json.beginObject();
        config(json.name("fault"), fault.config());
        json.member("acted", fault.acted());
        if (fault.config().count() != FaultConfig.ALL) {
            json.member("remaining", fault.remaining());
        }
        return json.endObject();
    }

    /** The fault as a {@code POST /faults} body: only the keys its type takes, defaults left out but for direction and probability. */
    static Json config(Json json, FaultConfig c) {
        json.beginObject();
        if (c.name() != null) {
            json.member("name", c.name());
        }
        json.member("type", c.type().yamlName());
        if (c.route() != null) {
            json.member("route", c.route());
        }
        if (c.type() != FaultType.REFUSE && c.type() != FaultType.HTTP_STATUS) { // they act on whole requests
            json.member("direction", c.direction().yamlName());
        }
        switch (c.type()) {
            case LATENCY -> {
                duration(json, "latency", c.latency());
                duration(json, "jitter", c.jitter());
            }
            case BANDWIDTH -> json.member("rate", c.rate());
            case RESET, SLOW_CLOSE -> duration(json, "delay", c.delay());
            case LIMIT_DATA -> json.member("bytes", c.bytes());
            case SLICE -> {
                json.member("segment", c.segment());
                duration(json, "delay", c.delay());
            }
            case HTTP_STATUS -> json.member("status", c.status());
            case DELAY_MESSAGES -> duration(json, "latency", c.latency());
            case CLOSE -> {
                json.member("code", c.code());
                if (c.reason() != null) {
                    json.member("reason", c.reason());
                }
            }
            default -> {
            }
        }
        if (c.type().messageLevel()) {
            if (c.count() != FaultConfig.ALL) {
                json.member("count", c.count());
            }
            if (c.controlFrames()) {
                json.member("control-frames", true);
            }
        }
        return json.member("probability", c.probability()).endObject();
    }

    private static void duration(Json json, String key, Duration d) {
        if (d != null) {
            json.member(key, format(d));
        }
    }

    /** The shortest exact spelling the loader takes: 2h, 5m, 30s or 250ms (finer than a millisecond is cut). */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms > 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms > 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms > 0 && ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
