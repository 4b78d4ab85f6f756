package dev.sluice.runtime;

import dev.sluice.http.IpLiteral;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.ssl.SslConnection;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.List;

/**
 * TLS to one {@code https://} server: its upstream's trust, and the host name of its URL, which
 * SNI asks for and its certificate must carry although the connection goes to an address
 * resolved beforehand. Rides in the server's connection options
 * ({@link GuardedHttpClientProvider#TLS}), so every connection to the server gets it: pooled,
 * retried, and its health checks'.
 */
public final class ServerTls {
    private final UpstreamTls upstream;
    private final String name;
    private final int port;
    private final long handshakeTimeoutMillis;

    /**
     * @param upstream               the upstream's client TLS (one per upstream)
     * @param host                   the host of the server's URL: a name, or an IP literal (IPv6 in brackets)
     * @param handshakeTimeoutMillis how long the handshake may take once TCP is up: the connect timeout
     */
    public ServerTls(UpstreamTls upstream, String host, int port, long handshakeTimeoutMillis) {
        this.upstream = upstream;
        this.name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        this.port = port;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** The name the certificate is checked against. */
    public String name() {
        return name;
    }

    long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /**
     * The client side of TLS over {@code tcp}, the handshake not started. HTTP/1.1 only: no ALPN
     * is offered, so a server cannot pick h2.
     */
    SslConnection wrap(StreamConnection tcp) {
        SslConnection connection = upstream.ssl().wrapExistingConnection(tcp,
                OptionMap.create(Options.SSL_PEER_HOST_NAME, name, Options.SSL_PEER_PORT, port));
        SSLEngine engine = UndertowXnioSsl.getSslEngine(connection);
        SSLParameters parameters = engine.getSSLParameters();
        // The JDK checks the name only when asked; with insecure-skip-verify the context's trust manager skips it.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        // An IP literal is never sent as SNI (RFC 6066); the address is checked against the IP SANs.
        parameters.setServerNames(IpLiteral.parse(name) == null ? List.of(new SNIHostName(name)) : List.of());
        engine.setSSLParameters(parameters);
        return connection;
    }

    /** Why the handshake on {@code connection} failed, in an operator's words. */
    String reasonOf(SslConnection connection, IOException e) {
        CertificateException refused = upstream.refusal(UndertowXnioSsl.getSslEngine(connection));
        return refused != null ? reasonOf(refused) : reasonOf(e);
    }

    private String reasonOf(Exception e) {
        return withoutFullStop(reasonIn(e));
    }

    /** The JDK ends some of its messages with a full stop, which reads oddly inside parentheses. */
    private static String withoutFullStop(String reason) {
        return reason.endsWith(".)") ? reason.substring(0, reason.length() - 2) + ")" : reason;
    }

    private String reasonIn(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return "certificate for " + name + " is not valid now (" + GuardedHttpClientProvider.reasonOf(t) + ")";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "certificate for " + name + " not trusted (PKIX: " + GuardedHttpClientProvider.reasonOf(t) + ")";
            }
            String message = String.valueOf(t.getMessage());
            if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
                return "certificate does not match " + name + " (" + GuardedHttpClientProvider.reasonOf(t) + ")";
            }
        }
        return "TLS handshake with " + name + " failed: " + GuardedHttpClientProvider.reasonOf(e);
    }
}
