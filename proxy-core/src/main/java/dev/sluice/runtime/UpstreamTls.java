package dev.sluice.runtime;

import io.undertow.protocols.ssl.UndertowXnioSsl;
import org.xnio.OptionMap;
import org.xnio.Xnio;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The client TLS of one upstream's {@code https://} servers: a context around the upstream's
 * trust manager, built where the configuration is compiled, and the certificates it refused.
 * Those are noted per engine because Undertow's SSL conduit checks a certificate in a task of its
 * own and, when the check fails, only closes the connection: the reason would be lost.
 */
public final class UpstreamTls {
    private final UndertowXnioSsl ssl;
    /** By engine identity, weakly: an engine whose handshake ended another way is not kept. */
    private final Map<SSLEngine, CertificateException> refused = Collections.synchronizedMap(new WeakHashMap<>());

    public UpstreamTls(X509ExtendedTrustManager trust, Xnio xnio) {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Noting(trust)}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no TLS client: " + e.getMessage(), e);
        }
        this.ssl = new UndertowXnioSsl(xnio, OptionMap.EMPTY, context);
    }

    UndertowXnioSsl ssl() {
        return ssl;
    }

    /** Why the certificate was refused in this engine's handshake, or null; forgotten once asked. */
    CertificateException refusal(SSLEngine engine) {
        return refused.remove(engine);
    }

    /** The upstream's trust, noting what it refuses. */
    private final class Noting extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager trust;

        Noting(X509ExtendedTrustManager trust) {
            this.trust = trust;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            try {
                trust.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                refused.put(engine, e);
                throw e;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            trust.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            trust.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            trust.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.getAcceptedIssuers();
        }
    }
}
