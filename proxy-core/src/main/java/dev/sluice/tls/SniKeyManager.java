package dev.sluice.tls;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Chooses a listener's certificate by the name the client asked for (SNI): the first whose DNS
 * names (or a wildcard among them) cover it; a client without SNI, or with a name none covers, gets
 * the first certificate. Among the covering ones only a key of the type the handshake asks for
 * ({@code keyType}) is offered. Aliases are the certificates' positions.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private final List<LoadedCertificate> certificates;

    SniKeyManager(List<LoadedCertificate> certificates) {
        this.certificates = List.copyOf(certificates);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, requestedName(engine == null ? null : engine.getHandshakeSession()));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession session = socket instanceof javax.net.ssl.SSLSocket ssl ? ssl.getHandshakeSession() : null;
        return choose(keyType, requestedName(session));
    }

    /** The host name the client sent, or null. */
    static String requestedName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    String choose(String keyType, String host) {
        if (host != null) {
            boolean named = false;
            for (int i = 0; i < certificates.size(); i++) {
                LoadedCertificate c = certificates.get(i);
                if (c.covers(host)) {
                    named = true;
                    if (keyType == null || keyType.equals(c.key().getAlgorithm())) {
                        return String.valueOf(i);
                    }
                }
            }
            if (named) {
                return null; // the named certificate has another key type: the handshake tries its next one
            }
        }
        LoadedCertificate first = certificates.get(0);
        return keyType == null || keyType.equals(first.key().getAlgorithm()) ? "0" : null;
    }

    private LoadedCertificate at(String alias) {
        try {
            int i = Integer.parseInt(alias);
            return i >= 0 && i < certificates.size() ? certificates.get(i) : null;
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        LoadedCertificate c = at(alias);
        return c == null ? null : c.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        LoadedCertificate c = at(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return java.util.stream.IntStream.range(0, certificates.size())
                .filter(i -> keyType == null || keyType.equals(certificates.get(i).key().getAlgorithm()))
                .mapToObj(String::valueOf).toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server's key manager: no client certificates
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
