package dev.sluice;

import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.tls.ListenerTls;
import dev.sluice.tls.LoadedCertificate;
import dev.sluice.tls.TlsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The certificates and keys of a configuration's TLS listeners: read for a start or a reload,
 * checked for {@code sluice --check}, and what an operator should hear about them.
 */
final class ListenerCertificates {
    private static final Logger log = LoggerFactory.getLogger(Sluice.class);
    /** A certificate expiring within this is logged at start and on every reload. */
    private static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private ListenerCertificates() {
    }

    /** What each listener serves, read now, in config order; null for a plain one. */
    private record Read(List<ListenerTls> tls, List<String> problems) {
    }

    /**
     * Reads every TLS listener's certificates and keys.
     *
     * @throws SluiceException naming the listener, the file and what is wrong with it
     */
    static List<ListenerTls> load(SluiceConfig config) {
        Read read = read(config);
        if (!read.problems().isEmpty()) {
            throw new SluiceException(read.problems().get(0));
        }
        return read.tls();
    }

    /** What keeps a listener from starting, one line each; empty when all can. */
    static List<String> problems(SluiceConfig config) {
        return read(config).problems();
    }

    private static Read read(SluiceConfig config) {
        List<ListenerTls> loaded = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig listener = config.listeners().get(i);
            ListenerTls tls = null;
            if (listener.tls() != null) {
                try {
                    tls = ListenerTls.load(listener.tls());
                } catch (TlsException e) {
                    problems.add("listeners[" + i + "].tls (" + listener.address() + "): " + e.getMessage());
                }
            }
            loaded.add(tls);
        }
        return new Read(loaded, problems);
    }

    /** SLU4001: a certificate no route's host is covered by; SLU4002: one that expires soon. */
    static void warn(SluiceConfig config, List<ListenerTls> tls) {
        List<String> hosts = config.routes().stream().map(RouteConfig::host).collect(Collectors.toList());
        Instant now = Instant.now();
        for (int i = 0; i < tls.size(); i++) {
            ListenerTls listener = tls.get(i);
            if (listener == null) {
                continue;
            }
            for (LoadedCertificate c : listener.coveringNone(hosts)) {
                log.warn("SLU4001 listeners[{}].tls: the certificate {} ({}) covers no route's host ({}): clients reach"
                        + " it only for hosts no route matches", i, c.file(), String.join(", ", c.names()),
                        hosts.stream().filter(Objects::nonNull).distinct().collect(Collectors.joining(", ")));
            }
            for (LoadedCertificate c : listener.expiringWithin(EXPIRY_WARNING, now)) {
                log.warn("SLU4002 listeners[{}].tls: the certificate {} ({}) {} {}", i, c.file(), c.name(),
                        c.notAfter().isBefore(now) ? "expired at" : "expires at", c.notAfter());
            }
        }
    }
}
