package dev.sluice.tls;

import dev.sluice.config.TlsConfig;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What one TLS listener serves, read from its files: the certificates (the first the default, the
 * others by SNI) and the {@link SSLContext} with its protocols and ciphers. Built at start and
 * again on every reload; a listener swaps to a new one without closing anything.
 */
public final class ListenerTls {
    private final List<LoadedCertificate> certificates;
    private final SSLContext context;

    private ListenerTls(List<LoadedCertificate> certificates, SSLContext context) {
        this.certificates = List.copyOf(certificates);
        this.context = context;
    }

    /**
     * Reads every certificate and key of {@code config} and checks each key against its certificate,
     * and each protocol and cipher against what this JDK offers.
     *
     * @throws TlsException naming the file (or the setting) and saying why
     */
    public static ListenerTls load(TlsConfig config) throws TlsException {
        List<LoadedCertificate> certificates = new ArrayList<>();
        for (TlsConfig.Certificate certificate : config.certificates()) {
            certificates.add(CertificateFiles.load(certificate));
        }
        HandshakeCrypto.install();
        SSLContext jdk;
        try {
            jdk = SSLContext.getInstance("TLS");
            jdk.init(new KeyManager[] {new SniKeyManager(certificates)}, null, null);
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot set up TLS (" + e.getMessage() + ")");
        }
        Set<String> protocols = Set.of(jdk.getSupportedSSLParameters().getProtocols());
        for (String protocol : config.protocols()) {
            if (!protocols.contains(protocol)) {
                throw new TlsException("protocols: this JDK does not support " + protocol);
            }
        }
        List<String> enabled = Arrays.asList(jdk.getDefaultSSLParameters().getProtocols());
        if (config.protocols().stream().noneMatch(enabled::contains)) {
            throw new TlsException("protocols: " + config.protocols() + " are all disabled in this JDK"
                    + " (jdk.tls.disabledAlgorithms in java.security)");
        }
        Set<String> ciphers = Set.of(jdk.getSupportedSSLParameters().getCipherSuites());
        List<String> unknown = config.ciphers().stream().filter(c -> !ciphers.contains(c)).toList();
        if (!unknown.isEmpty()) {
            throw new TlsException("ciphers: this JDK does not support " + String.join(", ", unknown)
                    + " (write JSSE names, e.g. TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
        }
        return new ListenerTls(certificates, new ConfiguredSslContext(jdk,
                config.protocols().toArray(String[]::new), config.ciphers().toArray(String[]::new)));
    }

    /** The context for Undertow's HTTPS listener. */
    public SSLContext context() {
        return context;
    }

    /** Its certificates, the default first. */
    public List<LoadedCertificate> certificates() {
        return certificates;
    }

    /**
     * The certificates that cover none of these host names; none when any route is for every host
     * ({@code hosts} holds null), since then every name the certificate has is routed.
     */
    public List<LoadedCertificate> coveringNone(Collection<String> hosts) {
        if (hosts.isEmpty() || hosts.stream().anyMatch(java.util.Objects::isNull)) {
            return List.of();
        }
        return certificates.stream().filter(c -> hosts.stream().noneMatch(c::covers)).toList();
    }

    /** The certificates that expire within {@code within} of {@code now} (or have expired). */
    public List<LoadedCertificate> expiringWithin(Duration within, Instant now) {
        return certificates.stream().filter(c -> c.notAfter().isBefore(now.plus(within))).toList();
    }
}
