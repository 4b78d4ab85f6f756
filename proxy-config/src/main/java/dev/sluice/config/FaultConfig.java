package dev.sluice.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * One fault ({@code faults[]} in YAML, a body of {@code POST /faults}, or built in code with the
 * factories below and the {@code with...} methods). Only the parameters of its {@link #type} are
 * set; the others are 0 or null. The constructor checks each value; whether {@link #route} names a
 * route is checked against the routes it is used with.
 *
 * <pre>{@code
 * FaultConfig.latency(Duration.ofMillis(200)).toClient().onRoute("/chat/").named("slow-chat")
 * FaultConfig.dropMessages(1).toUpstream()
 * }</pre>
 *
 * @param name          names it in {@code GET /faults} and {@code DELETE /faults/NAME}; null: one is given
 *                      when it is added ({@code type-N})
 * @param route         the match path of the route it acts on, or null for every route
 * @param direction     which way it acts on a tunnel (default both); not used by refuse and http-status
 * @param latency       latency, delay-messages: how long bytes or messages are held
 * @param jitter        latency: up to this much more or less, at random
 * @param rate          bandwidth: bytes per second
 * @param bytes         limit-data: bytes passed on before the tunnel is closed
 * @param segment       slice: bytes per write
 * @param delay         slice: the gap between writes; reset: how long after the tunnel opened (or the
 *                      fault was added); slow-close: how long a FIN is held
 * @param status        http-status: the status answered
 * @param count         drop-, delay-, duplicate-messages: how many messages, counted over all tunnels
 *                      it acts on; {@link #ALL} for every one
 * @param code          close: the close code both peers get
 * @param reason        close: the close reason (at most 123 bytes of UTF-8)
 * @param probability   0 to 1: the chance it acts on a tunnel (TCP faults, decided when it first
 *                      meets the tunnel), on a message (message faults) or on a request (http-status,
 *                      refuse); default 1
 * @param controlFrames drop-, delay-, duplicate-messages: whether ping, pong and close frames count
 *                      as messages too (default false: they pass untouched)
 */
public record FaultConfig(String name, String route, FaultDirection direction, FaultType type,
                          Duration latency, Duration jitter, long rate, long bytes, long segment,
                          Duration delay, int status, long count, int code, String reason,
                          double probability, boolean controlFrames) {

    /** {@link #count} for every message. */
    public static final long ALL = -1;
    static final int MAX_CLOSE_REASON_BYTES = 123;

    public FaultConfig {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(type, "type");
        if (name != null && !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("name '" + name
                    + "' must be 1 to 64 letters, digits, '.', '_' or '-' (it is used in a URL path)");
        }
        if (route != null && !route.startsWith("/")) {
            throw new IllegalArgumentException("route '" + route + "' must be a route's match path, starting with '/'");
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability " + probability + " must be from 0 to 1");
        }
        if (count != ALL && count < 1) {
            throw new IllegalArgumentException("count " + count + " must be 1 or more (or left out for every message)");
        }
        requireNotNegative("latency", latency);
        requireNotNegative("jitter", jitter);
        requireNotNegative("delay", delay);
        switch (type) {
            case LATENCY -> require(latency != null, "latency needs latency (how long each chunk is held)");
            case DELAY_MESSAGES -> require(latency != null, "delay-messages needs latency (how long each message is held)");
            case BANDWIDTH -> require(rate > 0, "bandwidth needs rate (bytes a second, more than 0)");
            case LIMIT_DATA -> require(bytes > 0,
                    "limit-data needs bytes (how many bytes pass before the close, more than 0)");
            case SLICE -> require(segment > 0, "slice needs segment (bytes per write, more than 0)");
            case SLOW_CLOSE -> require(delay != null, "slow-close needs delay (how long a FIN is held)");
            case HTTP_STATUS -> require(status >= 200 && status <= 599,
                    "http-status needs status, from 200 to 599" + got(status));
            case CLOSE -> {
                require(validCloseCode(code), "close needs code, a close code a peer may send: 1000-1003, "
                        + "1007-1014 or 3000-4999" + got(code));
                require(reason == null || reason.getBytes(StandardCharsets.UTF_8).length <= MAX_CLOSE_REASON_BYTES,
                        "reason must be at most " + MAX_CLOSE_REASON_BYTES + " bytes of UTF-8");
            }
            default -> {
            }
        }
    }

    /** " (got N)", or nothing for 0: the parameter was left out. */
    private static String got(int value) {
        return value == 0 ? "" : " (got " + value + ")";
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static void requireNotNegative(String what, Duration d) {
        if (d != null && d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + d);
        }
    }

    /** RFC 6455 section 7.4: the codes an endpoint may put in a Close frame. */
    static boolean validCloseCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    private static FaultConfig of(FaultType type, Duration latency, Duration jitter, long rate, long bytes,
                                  long segment, Duration delay, int status, long count, int code, String reason) {
        return new FaultConfig(null, null, FaultDirection.BOTH, type, latency, jitter, rate, bytes, segment,
                delay, status, count, code, reason, 1.0, false);
    }

    public static FaultConfig latency(Duration latency) {
        return latency(latency, null);
    }

    public static FaultConfig latency(Duration latency, Duration jitter) {
        return of(FaultType.LATENCY, latency, jitter, 0, 0, 0, null, 0, ALL, 0, null);
    }

    public static FaultConfig bandwidth(long bytesPerSecond) {
        return of(FaultType.BANDWIDTH, null, null, bytesPerSecond, 0, 0, null, 0, ALL, 0, null);
    }

    public static FaultConfig blackhole() {
        return of(FaultType.BLACKHOLE, null, null, 0, 0, 0, null, 0, ALL, 0, null);
    }

    public static FaultConfig reset() {
        return reset(null);
    }

    /** @param after how long after the tunnel opened, or the fault was added; null or zero: at once */
    public static FaultConfig reset(Duration after) {
        return of(FaultType.RESET, null, null, 0, 0, 0, after, 0, ALL, 0, null);
    }

    public static FaultConfig limitData(long bytes) {
        return of(FaultType.LIMIT_DATA, null, null, 0, bytes, 0, null, 0, ALL, 0, null);
    }

    public static FaultConfig slice(long segmentBytes, Duration gap) {
        return of(FaultType.SLICE, null, null, 0, 0, segmentBytes, gap, 0, ALL, 0, null);
    }

    public static FaultConfig refuse() {
        return of(FaultType.REFUSE, null, null, 0, 0, 0, null, 0, ALL, 0, null);
    }

    public static FaultConfig httpStatus(int status) {
        return of(FaultType.HTTP_STATUS, null, null, 0, 0, 0, null, status, ALL, 0, null);
    }

    public static FaultConfig slowClose(Duration delay) {
        return of(FaultType.SLOW_CLOSE, null, null, 0, 0, 0, delay, 0, ALL, 0, null);
    }

    /** Drops every message; narrow it with {@link #withCount}. */
    public static FaultConfig dropMessages() {
        return of(FaultType.DROP_MESSAGES, null, null, 0, 0, 0, null, 0, ALL, 0, null);
    }

    public static FaultConfig dropMessages(long count) {
        return dropMessages().withCount(count);
    }

    public static FaultConfig delayMessages(Duration latency) {
        return of(FaultType.DELAY_MESSAGES, latency, null, 0, 0, 0, null, 0, ALL, 0, null);
    }

    public static FaultConfig duplicateMessages() {
        return of(FaultType.DUPLICATE_MESSAGES, null, null, 0, 0, 0, null, 0, ALL, 0, null);
    }

    public static FaultConfig duplicateMessages(long count) {
        return duplicateMessages().withCount(count);
    }

    public static FaultConfig close(int code, String reason) {
        return of(FaultType.CLOSE, null, null, 0, 0, 0, null, 0, ALL, code, reason);
    }

    public FaultConfig named(String newName) {
        return new FaultConfig(newName, route, direction, type, latency, jitter, rate, bytes, segment, delay,
                status, count, code, reason, probability, controlFrames);
    }

    /** Acts only on the route whose match path is {@code path}. */
    public FaultConfig onRoute(String path) {
        return new FaultConfig(name, path, direction, type, latency, jitter, rate, bytes, segment, delay,
                status, count, code, reason, probability, controlFrames);
    }

    public FaultConfig withDirection(FaultDirection newDirection) {
        return new FaultConfig(name, route, newDirection, type, latency, jitter, rate, bytes, segment, delay,
                status, count, code, reason, probability, controlFrames);
    }

    public FaultConfig toClient() {
        return withDirection(FaultDirection.TO_CLIENT);
    }

    public FaultConfig toUpstream() {
        return withDirection(FaultDirection.TO_UPSTREAM);
    }

    public FaultConfig withProbability(double newProbability) {
        return new FaultConfig(name, route, direction, type, latency, jitter, rate, bytes, segment, delay,
                status, count, code, reason, newProbability, controlFrames);
    }

    public FaultConfig withCount(long newCount) {
        return new FaultConfig(name, route, direction, type, latency, jitter, rate, bytes, segment, delay,
                status, newCount, code, reason, probability, controlFrames);
    }

    /** Ping, pong and close frames count as messages too (drop-, delay-, duplicate-messages). */
    public FaultConfig includingControlFrames() {
        return new FaultConfig(name, route, direction, type, latency, jitter, rate, bytes, segment, delay,
                status, count, code, reason, probability, true);
    }
}
