package dev.sluice.admin;

import dev.sluice.upstream.Server;
import dev.sluice.config.ConfigException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.fault.Faults;
import dev.sluice.observe.Metrics;
import dev.sluice.observe.ServedCertificate;
import dev.sluice.record.Recording;
import dev.sluice.tunnel.TunnelRegistry;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The running proxy as the admin API sees it: what it reports and the one thing it changes, the configuration. */
public interface RunningProxy {
    boolean isReady();

    SluiceConfig config();

    Instant configLoadedAt();

    List<InetSocketAddress> listenerAddresses();

    /** Whether the listener at this index (config order) speaks TLS. */
    default boolean isTls(int listener) {
        return config().listeners().get(listener).isTls();
    }

    /** The certificates the TLS listeners serve now, listener by listener, each listener's default first. */
    List<ServedCertificate> certificates();

    Metrics metrics();

    Recording recording();

    Faults faults();

    TunnelRegistry tunnels();

    /** The servers of each upstream in force, in file order. */
    Map<String, List<Server>> upstreamServers();

    /**
     * Reads the configuration again and applies it.
     *
     * @throws ConfigException   the file has problems; the running configuration stays
     * @throws RuntimeException  the reload is refused (a change that needs a restart, a proxy that
     *                           is stopping), with a message for the operator; the running configuration stays
     */
    void reload() throws ConfigException;
}
