package dev.sluice.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * TLS on one listener ({@code listeners[].tls}): its certificates, the first of which is the
 * default, the others chosen by the name a client asks for (SNI); the protocol versions and cipher
 * suites it offers. The files are read when the proxy starts and again on every reload (by
 * proxy-core, which also checks each key against its certificate); this record only says where
 * they are.
 *
 * @param certificates at least one; the first answers clients without SNI or with a name no
 *                     certificate covers
 * @param protocols    the protocol versions offered, e.g. {@code TLSv1.3, TLSv1.2}
 *                     ({@link #DEFAULT_PROTOCOLS})
 * @param ciphers      the cipher suites offered, by their JSSE names ({@link #DEFAULT_CIPHERS}); a
 *                     name this JDK does not know is refused when the listener starts
 */
public record TlsConfig(List<Certificate> certificates, List<String> protocols, List<String> ciphers) {
    /** TLS 1.3 and 1.2 only: a client offering only TLS 1.1 or older fails the handshake. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** Versions {@code protocols} may name; the JDK itself disables 1.1 and 1.0 unless java.security allows them. */
    public static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
    /**
     * Forward-secret AEAD suites only, in the order of Mozilla's "intermediate" profile (without its
     * finite-field DHE suites): every TLS 1.3 suite, then ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2.
     */
    public static final List<String> DEFAULT_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    public TlsConfig {
        certificates = List.copyOf(certificates);
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs at least one certificate");
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols is empty (e.g. [TLSv1.3, TLSv1.2])");
        }
        for (String protocol : protocols) {
            if (!KNOWN_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("unknown protocol '" + protocol + "' (known: "
                        + String.join(", ", KNOWN_PROTOCOLS) + ")");
            }
        }
        if (ciphers.isEmpty()) {
            throw new IllegalArgumentException("ciphers is empty (leave it out for the default list)");
        }
    }

    /** These certificates with the default protocols and ciphers. */
    public static TlsConfig of(Certificate... certificates) {
        return new TlsConfig(List.of(certificates), DEFAULT_PROTOCOLS, DEFAULT_CIPHERS);
    }

    /** This TLS with other protocol versions. */
    public TlsConfig withProtocols(List<String> newProtocols) {
        return new TlsConfig(certificates, newProtocols, ciphers);
    }

    /** This TLS with other cipher suites. */
    public TlsConfig withCiphers(List<String> newCiphers) {
        return new TlsConfig(certificates, protocols, newCiphers);
    }

    /**
     * One certificate with its key: PEM files ({@code certificate} and {@code private-key},
     * {@code passphrase} when the key is encrypted) or a PKCS#12 keystore ({@code keystore},
     * {@code password}). Relative paths were resolved when the file was loaded (see
     * {@link ConfigLoader#load(Path, Path)}). Its {@code toString} never shows a secret.
     *
     * @param certificate the PEM certificate chain, leaf first; null for a keystore
     * @param privateKey  the PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC); null for a keystore
     * @param passphrase  decrypts the PEM key; null when it is not encrypted
     * @param keystore    a PKCS#12 file with one key entry; null for PEM
     * @param password    the keystore's password (also its key's); null for PEM
     */
    public record Certificate(Path certificate, Path privateKey, String passphrase, Path keystore, String password) {
        public Certificate {
            if (keystore == null) {
                Objects.requireNonNull(certificate, "certificate");
                Objects.requireNonNull(privateKey, "privateKey");
                if (password != null) {
                    throw new IllegalArgumentException("password goes with keystore (a PEM key takes passphrase)");
                }
            } else if (certificate != null || privateKey != null || passphrase != null) {
                throw new IllegalArgumentException("a certificate is PEM files or a keystore, not both");
            }
        }

        /** PEM files, the key not encrypted. */
        public static Certificate pem(Path certificate, Path privateKey) {
            return new Certificate(certificate, privateKey, null, null, null);
        }

        /** PEM files, the key encrypted with {@code passphrase}. */
        public static Certificate pem(Path certificate, Path privateKey, String passphrase) {
            return new Certificate(certificate, privateKey, passphrase, null, null);
        }

        /** A PKCS#12 keystore. */
        public static Certificate pkcs12(Path keystore, String password) {
            return new Certificate(null, null, null, keystore, password);
        }

        /** The file that names it in messages: the certificate, or the keystore. */
        public Path file() {
            return keystore != null ? keystore : certificate;
        }

        @Override
        public String toString() {
            return keystore != null
                    ? "{keystore: " + keystore + (password == null ? "" : ", password: ***") + "}"
                    : "{certificate: " + certificate + ", private-key: " + privateKey
                    + (passphrase == null ? "" : ", passphrase: ***") + "}";
        }
    }
}
