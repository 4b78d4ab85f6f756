package dev.sluice.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole configuration. Built once (by {@link ConfigLoader} or by hand), never changed; a reload
 * builds a new one. The constructor checks each part on its own; the rules that span parts (a
 * route names a known upstream, no address or match twice, ...) are {@link ConfigRules}, which
 * the loader applies and {@link ConfigRules#validate} applies to a configuration built in code.
 *
 * @param source         where it came from (a file path, or a description such as "builder")
 * @param admin          the admin listener, or null for none (the default)
 * @param upstreams      by name, in file order
 * @param routes         in file order; matching picks the most specific, not the first
 * @param trustedProxies peers whose X-Forwarded-* headers are believed (default none)
 * @param acceptGrace    on stop, how long the listeners go on accepting after readiness turned 503,
 *                       so a balancer sees the 503 first (default 0s)
 * @param drainTimeout   how long a stop waits for in-flight requests and tunnels (default 30s)
 * @param faults         faults active from the start (a test fixture's); the running set is changed
 *                       at run time through the Java API or {@code POST /faults}, and a reload
 *                       replaces it with the file's
 * @param recording      what is recorded of the traffic, or null for nothing (the default)
 * @param hash           names this configuration in metrics and status: 12 hex digits of SHA-256.
 *                       From {@link ConfigLoader}, of the text's UTF-8 bytes (for a file, its bytes
 *                       as read, before {@code ${VAR}} substitution, so the same file with other
 *                       environment values has the same hash); built in code, of the records (see
 *                       {@link #hashOf}). Null in the constructor means "compute it from the records"
 * @param drainTimeoutSet whether {@code drainTimeout} was chosen, rather than the default a file
 *                       without {@code shutdown.drain-timeout} gets: a test's proxy started from such
 *                       a file closes at once (see {@code Sluice.recorded}). Always true for a
 *                       configuration built in code with the constructors that take no such flag
 */
public record SluiceConfig(
        String source,
        List<ListenerConfig> listeners,
        AdminConfig admin,
        Map<String, UpstreamConfig> upstreams,
        List<RouteConfig> routes,
        LimitsConfig limits,
        List<Cidr> trustedProxies,
        AccessLogConfig accessLog,
        Duration acceptGrace,
        Duration drainTimeout,
        List<FaultConfig> faults,
        RecordingConfig recording,
        String hash,
        boolean drainTimeoutSet) {

    public static final Duration DEFAULT_ACCEPT_GRACE = Duration.ZERO;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    private static final int HASH_HEX_DIGITS = 12;

    public SluiceConfig {
        Objects.requireNonNull(source, "source");
        listeners = List.copyOf(listeners);
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        routes = List.copyOf(routes);
        Objects.requireNonNull(limits, "limits");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(accessLog, "accessLog");
        Objects.requireNonNull(acceptGrace, "acceptGrace");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        faults = List.copyOf(faults);
        if (acceptGrace.isNegative()) {
            throw new IllegalArgumentException("acceptGrace is 0 or more: " + acceptGrace);
        }
        if (hash == null) {
            hash = hashOf(String.join("\n", String.valueOf(listeners), String.valueOf(admin),
                    String.valueOf(upstreams), String.valueOf(routes), String.valueOf(limits),
                    String.valueOf(trustedProxies), String.valueOf(accessLog), String.valueOf(acceptGrace),
                    String.valueOf(drainTimeout), String.valueOf(faults), String.valueOf(recording)));
        }
    }

    /** A configuration whose drain timeout counts as chosen ({@code drainTimeoutSet} true). */
    public SluiceConfig(String source, List<ListenerConfig> listeners, AdminConfig admin,
                        Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes, LimitsConfig limits,
                        List<Cidr> trustedProxies, AccessLogConfig accessLog, Duration acceptGrace,
                        Duration drainTimeout, List<FaultConfig> faults, RecordingConfig recording, String hash) {
        this(source, listeners, admin, upstreams, routes, limits, trustedProxies, accessLog, acceptGrace,
                drainTimeout, faults, recording, hash, true);
    }

    /**
     * A configuration without an admin listener, accept-grace 0s, hashed from its records: the
     * shape of a test fixture.
     */
    public SluiceConfig(String source, List<ListenerConfig> listeners, Map<String, UpstreamConfig> upstreams,
                        List<RouteConfig> routes, LimitsConfig limits, List<Cidr> trustedProxies,
                        AccessLogConfig accessLog, Duration drainTimeout) {
        this(source, listeners, null, upstreams, routes, limits, trustedProxies, accessLog,
                DEFAULT_ACCEPT_GRACE, drainTimeout, List.of(), null, null);
    }

    /** This configuration with {@code admin} instead (same source and hash: the file did not change). */
    public SluiceConfig withAdmin(AdminConfig newAdmin) {
        return new SluiceConfig(source, listeners, newAdmin, upstreams, routes, limits, trustedProxies, accessLog,
                acceptGrace, drainTimeout, faults, recording, hash, drainTimeoutSet);
    }

    /** This configuration with {@code recording} instead (same source and hash: the file did not change). */
    public SluiceConfig withRecording(RecordingConfig newRecording) {
        return new SluiceConfig(source, listeners, admin, upstreams, routes, limits, trustedProxies, accessLog,
                acceptGrace, drainTimeout, faults, newRecording, hash, drainTimeoutSet);
    }

    /**
     * This configuration with this drain timeout, counted as chosen or not (same source and hash:
     * the file did not change).
     */
    public SluiceConfig withDrainTimeout(Duration newDrainTimeout, boolean set) {
        return new SluiceConfig(source, listeners, admin, upstreams, routes, limits, trustedProxies, accessLog,
                acceptGrace, newDrainTimeout, faults, recording, hash, set);
    }

    /** The first 12 hex digits of the SHA-256 of the text's UTF-8 bytes. */
    public static String hashOf(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
