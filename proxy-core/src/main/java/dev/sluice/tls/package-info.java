/**
 * TLS on the listeners: reading certificates and keys (PEM through BouncyCastle's bcpkix, PKCS#12
 * through the JDK), checking each key against its certificate, choosing a certificate by SNI, and
 * the {@link javax.net.ssl.SSLContext} a listener gets, with its protocols and cipher suites on every
 * engine; and the client context of an upstream's https servers (its CA file, or none to check).
 * A leaf: it uses only proxy-config, the JDK and bcpkix, so {@code sluice --check} can load
 * certificates without starting anything.
 */
package dev.sluice.tls;
