package dev.sluice.tls;

import dev.sluice.config.UpstreamTlsConfig;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Whom an upstream's {@code https://} servers are trusted by: the CAs of its {@code tls.ca} file,
 * else the JDK's trust store, or, with {@code insecure-skip-verify}, anyone. The host name is
 * checked by this trust manager too, as the JDK does it when the engine asks for endpoint
 * identification; the caller builds its client context around it.
 */
public final class UpstreamTrust {
    private UpstreamTrust() {
    }

    /** @throws TlsException naming the CA file and saying why it cannot be used */
    public static X509ExtendedTrustManager manager(UpstreamTlsConfig config) throws TlsException {
        if (config.insecureSkipVerify()) {
            return new TrustingAnything();
        }
        try {
            KeyStore store = config.ca() == null ? null
                    : authorities(config.ca().toString(), CertificateFiles.authorities(config.ca()));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store); // null: the JDK's default trust store
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new GeneralSecurityException("no X.509 trust manager in " + factory.getAlgorithm());
        } catch (GeneralSecurityException e) {
            throw new TlsException((config.ca() == null ? "the JDK trust store" : config.ca().toString())
                    + ": cannot trust servers by it (" + e.getMessage() + ")");
        }
    }

    private static KeyStore authorities(String file, List<X509Certificate> cas) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot make an empty key store", e); // never, for no input
        }
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry(file + "#" + i, cas.get(i));
        }
        return store;
    }

    /**
     * Accepts every certificate. Extended, so that the JDK does not wrap it in its own name check:
     * insecure-skip-verify means the name goes unchecked too.
     */
    private static final class TrustingAnything extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
