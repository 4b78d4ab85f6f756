package dev.sluice.runtime;

import dev.sluice.config.Plural;
import dev.sluice.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One server entry of an upstream with {@code resolve-interval} whose URL names a host: looks
 * the name up, and says when that stops or starts working again, once per change rather than
 * at every interval (a DNS outage would otherwise fill the log).
 */
final class NameWatch {
    private static final Logger log = LoggerFactory.getLogger(NameWatch.class);

    private final String upstream;
    private final ServerConfig config;
    private final HostResolver resolver;
    /** Why the last lookup failed, or null when it worked (or none was made yet). */
    private String failure;

    NameWatch(String upstream, ServerConfig config, HostResolver resolver) {
        this.upstream = upstream;
        this.config = config;
        this.resolver = resolver;
    }

    ServerConfig config() {
        return config;
    }

    String host() {
        return config.url().getHost();
    }

    /**
     * The name's addresses now, in the resolver's order, or null when it cannot be looked up (the
     * caller keeps what it had). Blocks: never on an IO thread.
     *
     * @param known how many addresses the caller keeps when this fails, for the log line
     */
    List<InetAddress> resolve(int known) {
        String reason;
        try {
            InetAddress[] addresses = resolver.resolve(host());
            if (addresses != null && addresses.length > 0) {
                if (failure != null) {
                    log.info("SLU6015 {} of upstream {} resolves again: {}", host(), upstream, List.of(addresses));
                    failure = null;
                }
                return List.copyOf(new LinkedHashSet<>(List.of(addresses)));
            }
            reason = "no addresses";
        } catch (UnknownHostException e) {
            reason = "unknown host" + (e.getMessage() == null || e.getMessage().equals(host()) ? "" : ": " + e.getMessage());
        } catch (RuntimeException e) { // a SecurityException, or a test's resolver failing its own way
            reason = e.toString();
        }
        if (!reason.equals(failure)) {
            log.warn("SLU6014 cannot resolve {} of upstream {} ({}): {}", host(), upstream, reason, known == 0
                    ? "it has no server yet; tried again every resolve-interval"
                    : "its " + Plural.of(known, "last known address stays its server",
                            "last known addresses stay its servers"));
            failure = reason;
        }
        return null;
    }
}
