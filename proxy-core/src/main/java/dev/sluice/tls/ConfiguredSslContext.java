package dev.sluice.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import java.security.KeyManagementException;
import java.security.SecureRandom;

/**
 * A listener's {@link SSLContext}: the JDK's, with the listener's protocol versions and cipher suites
 * (in its order, the server's preference) set on every engine it makes. Undertow takes the context
 * as it is, and swapping it on reload ({@code ListenerInfo.setSslContext}) swaps these settings with
 * the certificates.
 */
final class ConfiguredSslContext extends SSLContext {
    ConfiguredSslContext(SSLContext delegate, String[] protocols, String[] ciphers) {
        super(new Spi(delegate, protocols, ciphers), delegate.getProvider(), delegate.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final String[] protocols;
        private final String[] ciphers;

        Spi(SSLContext delegate, String[] protocols, String[] ciphers) {
            this.delegate = delegate;
            this.protocols = protocols.clone();
            this.ciphers = ciphers.clone();
        }

        private SSLEngine configure(SSLEngine engine) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setProtocols(protocols);
            parameters.setCipherSuites(ciphers);
            parameters.setUseCipherSuitesOrder(true);
            engine.setSSLParameters(parameters);
            return engine;
        }

        @Override
        protected void engineInit(javax.net.ssl.KeyManager[] km, javax.net.ssl.TrustManager[] tm, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return configure(delegate.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return configure(delegate.createSSLEngine(host, port));
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            SSLParameters parameters = delegate.getDefaultSSLParameters();
            parameters.setProtocols(protocols);
            parameters.setCipherSuites(ciphers);
            return parameters;
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }
}
