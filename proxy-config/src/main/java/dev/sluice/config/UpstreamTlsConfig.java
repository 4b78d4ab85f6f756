package dev.sluice.config;

import java.nio.file.Path;

/**
 * TLS to an upstream's {@code https://} servers ({@code upstreams.NAME.tls}). The CA file is read
 * when the proxy starts and on every reload (by proxy-core); this record only says where it is.
 *
 * @param ca                 PEM file of the CA certificates its servers' certificates must chain to,
 *                           resolved against the home like the listeners' files; null: the JDK's trust store
 * @param insecureSkipVerify trust any certificate for any name: for a test bench only, and logged as such
 */
public record UpstreamTlsConfig(Path ca, boolean insecureSkipVerify) {
    /** The JDK's trust store, names checked: what an {@code https://} server gets without a tls block. */
    public static final UpstreamTlsConfig DEFAULT = new UpstreamTlsConfig(null, false);
}
