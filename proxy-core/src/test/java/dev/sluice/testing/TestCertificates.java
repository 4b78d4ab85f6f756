package dev.sluice.testing;

import dev.sluice.config.TlsConfig;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test CA and the leaf certificates it signs, made in the test with BouncyCastle: written as the
 * PEM and PKCS#12 files a TLS listener reads (each key form nginx users have), and a client
 * {@link SSLContext} that trusts the CA.
 *
 * <pre>{@code
 * TestCertificates ca = TestCertificates.ca();
 * TestCertificates.Leaf leaf = ca.leaf("localhost", "127.0.0.1");
 * TlsConfig.Certificate files = leaf.write(dir, KeyForm.PKCS8, null);
 * HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
 * }</pre>
 */
public final class TestCertificates {
    private static final Provider BC = new BouncyCastleProvider();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** How a leaf's private key is written. */
    public enum KeyForm {
        /** {@code BEGIN PRIVATE KEY}. */
        PKCS8,
        /** {@code BEGIN ENCRYPTED PRIVATE KEY} (PBES2, AES-256-CBC): needs the passphrase. */
        PKCS8_ENCRYPTED,
        /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY} (PKCS#1 / SEC1), by the key's type. */
        TRADITIONAL,
        /** Traditional with {@code Proc-Type: 4,ENCRYPTED} (AES-256-CBC): needs the passphrase. */
        TRADITIONAL_ENCRYPTED,
        /** A PKCS#12 keystore holding the key and chain, password = the passphrase. */
        PKCS12
    }

    private final KeyPair key;
    private final X509Certificate certificate;

    private TestCertificates(KeyPair key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** A new CA with an EC P-256 key. */
    public static TestCertificates ca() {
        KeyPair key = keyPair("EC");
        X500Name name = new X500Name("CN=Sluice Test CA " + SERIALS.incrementAndGet());
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(3650))),
                    name, key.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestCertificates(key, sign(builder, key));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA's certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** A leaf for these DNS names (an IP literal becomes an IP address name), EC P-256, valid 90 days. */
    public Leaf leaf(String... names) {
        return leaf("EC", Duration.ofDays(90), names);
    }

    /**
     * A leaf with a key of this type ("EC" or "RSA") valid for {@code validFor} from now, for these
     * names; the first is also its CN.
     */
    public Leaf leaf(String keyType, Duration validFor, String... names) {
        KeyPair leafKey = keyPair(keyType);
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), serial(),
                    Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(validFor)),
                    new X500Name("CN=" + names[0]), leafKey.getPublic());
            GeneralName[] alternatives = new GeneralName[names.length];
            for (int i = 0; i < names.length; i++) {
                alternatives[i] = new GeneralName(names[i].matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress
                        : GeneralName.dNSName, names[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            return new Leaf(leafKey, sign(builder, key), certificate);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context that trusts this CA only. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the CA certificate as PEM (for curl --cacert, openssl -CAfile). */
    public Path writeCa(Path file) throws IOException {
        Files.writeString(file, pem(certificate));
        return file;
    }

    /** A leaf certificate with its key, and the CA that signed it (written after it in the chain). */
    public record Leaf(KeyPair key, X509Certificate certificate, X509Certificate ca) {
        /**
         * Writes {@code <name>.pem} (chain: leaf, then CA) and {@code <name>.key} in this form (or
         * {@code <name>.p12}) into {@code dir}, and says how to configure them.
         *
         * @param passphrase for the encrypted forms and PKCS#12; null otherwise
         */
        public TlsConfig.Certificate write(Path dir, String name, KeyForm form, String passphrase) throws IOException {
            Files.createDirectories(dir);
            if (form == KeyForm.PKCS12) {
                Path file = dir.resolve(name + ".p12");
                try (OutputStream out = Files.newOutputStream(file)) {
                    KeyStore store = KeyStore.getInstance("PKCS12");
                    store.load(null, null);
                    store.setKeyEntry("sluice", key.getPrivate(), passphrase.toCharArray(),
                            new X509Certificate[] {certificate, ca});
                    store.store(out, passphrase.toCharArray());
                } catch (Exception e) {
                    throw new IOException(e);
                }
                return TlsConfig.Certificate.pkcs12(file, passphrase);
            }
            Path cert = dir.resolve(name + ".pem");
            Path keyFile = dir.resolve(name + ".key");
            Files.writeString(cert, pem(certificate) + pem(ca));
            Files.writeString(keyFile, privateKeyPem(form, passphrase));
            boolean encrypted = form == KeyForm.PKCS8_ENCRYPTED || form == KeyForm.TRADITIONAL_ENCRYPTED;
            return TlsConfig.Certificate.pem(cert, keyFile, encrypted ? passphrase : null);
        }

        /** A server context serving this leaf (chain: leaf, then CA), for a backend that listens with TLS. */
        public SSLContext serverContext() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                char[] password = "test".toCharArray();
                store.setKeyEntry("leaf", key.getPrivate(), password, new X509Certificate[] {certificate, ca});
                javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, password);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return context;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** PEM files with a PKCS#8 key. */
        public TlsConfig.Certificate write(Path dir, String name) throws IOException {
            return write(dir, name, KeyForm.PKCS8, null);
        }

        /**
         * The key as BouncyCastle encodes it: its SEC1 form names the curve and carries the public
         * key, as OpenSSL writes it (the JDK's encoding leaves both to the PKCS#8 wrapper).
         */
        private java.security.PrivateKey traditionalKey() throws IOException {
            try {
                return java.security.KeyFactory.getInstance(key.getPrivate().getAlgorithm(), BC)
                        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getPrivate().getEncoded()));
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
        }

        private String privateKeyPem(KeyForm form, String passphrase) throws IOException {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                switch (form) {
                    case PKCS8 -> writer.writeObject(new JcaPKCS8Generator(key.getPrivate(), null));
                    case PKCS8_ENCRYPTED -> writer.writeObject(new JcaPKCS8Generator(key.getPrivate(),
                            new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(BC)
                                    .setPassword(passphrase.toCharArray()).build()));
                    case TRADITIONAL -> writer.writeObject(traditionalKey());
                    case TRADITIONAL_ENCRYPTED -> writer.writeObject(traditionalKey(),
                            new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(BC).build(passphrase.toCharArray()));
                    default -> throw new IllegalArgumentException(form.toString());
                }
            } catch (org.bouncycastle.operator.OperatorCreationException e) {
                throw new IOException(e);
            }
            return text.toString();
        }
    }

    private static String pem(X509Certificate certificate) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        }
        return text.toString();
    }

    private static KeyPair keyPair(String type) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (type.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
        try {
            String algorithm = signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
