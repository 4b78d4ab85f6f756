package dev.sluice.tls;

import dev.sluice.config.TlsConfig;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * Reads one configured certificate with its key: PEM as nginx users have them (a chain, leaf first;
 * a key in PKCS#8, PKCS#1 RSA or SEC1 EC form, optionally encrypted), or a PKCS#12 keystore. Every
 * failure is a {@link TlsException} naming the file and saying why.
 */
public final class CertificateFiles {
    /**
     * BouncyCastle's provider, used here to decrypt encrypted PEM keys (it knows every cipher
     * OpenSSL writes them with) and to make EC keys BouncyCastle keys; never registered with the JDK
     * as a whole (only {@link HandshakeCrypto}'s few algorithms are).
     */
    private static final Provider BC = new BouncyCastleProvider();

    private CertificateFiles() {
    }

    public static LoadedCertificate load(TlsConfig.Certificate config) throws TlsException {
        if (config.keystore() != null) {
            return keystore(config.keystore(), config.password());
        }
        X509Certificate[] chain = chain(config.certificate());
        PrivateKey key = privateKey(config.privateKey(), config.passphrase());
        checkMatch(config.privateKey(), key, config.certificate(), chain[0]);
        return new LoadedCertificate(config.certificate().toString(), signingKey(key), chain, names(chain[0]));
    }

    /** The CA certificates of a PEM file (one or more), as an upstream's {@code tls.ca} names it. */
    public static List<X509Certificate> authorities(Path file) throws TlsException {
        return List.of(certificates(file, "CA certificate"));
    }

    private static X509Certificate[] chain(Path file) throws TlsException {
        return certificates(file, "certificate");
    }

    private static X509Certificate[] certificates(Path file, String what) throws TlsException {
        byte[] bytes = read(file, what);
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (read.isEmpty()) {
                throw new TlsException(file + ": no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)");
            }
            return read.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (CertificateException | IOException e) {
            throw new TlsException(file + ": not a PEM certificate chain (" + reason(e) + ")");
        }
    }

    private static PrivateKey privateKey(Path file, String passphrase) throws TlsException {
        byte[] bytes = read(file, "private key");
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = new java.io.StringReader(new String(bytes, StandardCharsets.US_ASCII));
             PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PEMKeyPair pair) { // PKCS#1 RSA, SEC1 EC
                    // only the private part: a SEC1 key may leave its optional public key out
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof PrivateKeyInfo info) { // PKCS#8
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMEncryptedKeyPair encrypted) { // PKCS#1/SEC1 with Proc-Type: 4,ENCRYPTED
                    char[] secret = passphrase(file, passphrase);
                    return converter.getPrivateKey(encrypted.decryptKeyPair(
                            new JcePEMDecryptorProviderBuilder().setProvider(BC).build(secret)).getPrivateKeyInfo());
                }
                if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) { // ENCRYPTED PRIVATE KEY
                    char[] secret = passphrase(file, passphrase);
                    return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(secret)));
                }
                // EC PARAMETERS before a SEC1 key, or a certificate in the same file: look further
            }
            throw new TlsException(file + ": no private key in it (expected PEM: -----BEGIN PRIVATE KEY-----,"
                    + " RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
        } catch (PKCSException | org.bouncycastle.openssl.EncryptionException e) {
            throw new TlsException(file + ": cannot decrypt the private key (" + (passphrase == null
                    ? "it is encrypted: set passphrase" : "wrong passphrase?") + ")");
        } catch (PEMException e) {
            throw new TlsException(file + ": cannot read the private key (" + reason(e)
                    + (e.getCause() == null ? "" : ": " + reason(e.getCause())) + ")");
        } catch (OperatorCreationException | IOException | RuntimeException e) {
            throw new TlsException(file + ": not a PEM private key (" + reason(e) + ")");
        }
    }

    /**
     * An EC key as a BouncyCastle key, which {@link HandshakeCrypto}'s ECDSA signs with (six times
     * faster than the JDK 17's); any other key as it is.
     */
    private static PrivateKey signingKey(PrivateKey key) {
        if (!"EC".equals(key.getAlgorithm()) || key.getEncoded() == null) {
            return key;
        }
        try {
            return KeyFactory.getInstance("EC", BC).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return key; // a curve BouncyCastle does not know: the JDK signs, as before
        }
    }

    private static char[] passphrase(Path file, String passphrase) throws TlsException {
        if (passphrase == null) {
            throw new TlsException(file + ": the private key is encrypted (set passphrase, e.g. passphrase: \"${KEY_PASS}\")");
        }
        return passphrase.toCharArray();
    }

    private static LoadedCertificate keystore(Path file, String password) throws TlsException {
        byte[] bytes = read(file, "keystore");
        char[] secret = password.toCharArray();
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new java.io.ByteArrayInputStream(bytes), secret);
        } catch (IOException e) {
            throw new TlsException(file + ": cannot open the PKCS#12 keystore (wrong password, or not a PKCS#12 file: "
                    + reason(e) + ")");
        } catch (GeneralSecurityException e) {
            throw new TlsException(file + ": cannot open the PKCS#12 keystore (" + reason(e) + ")");
        }
        try {
            List<String> keyAliases = new ArrayList<>();
            for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
                String alias = aliases.nextElement();
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.size() != 1) {
                throw new TlsException(file + ": " + (keyAliases.isEmpty() ? "no private key entry" : keyAliases.size()
                        + " private key entries " + keyAliases) + " in the keystore (give one key and its chain per"
                        + " entry of tls)");
            }
            String alias = keyAliases.get(0);
            Key key = store.getKey(alias, secret);
            Certificate[] chain = store.getCertificateChain(alias);
            if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
                throw new TlsException(file + ": the entry '" + alias + "' has no private key with a certificate chain");
            }
            X509Certificate[] x509 = java.util.Arrays.stream(chain).map(X509Certificate.class::cast)
                    .toArray(X509Certificate[]::new);
            checkMatch(file, privateKey, file, x509[0]);
            return new LoadedCertificate(file.toString(), signingKey(privateKey), x509, names(x509[0]));
        } catch (GeneralSecurityException e) {
            throw new TlsException(file + ": cannot read the key entry (" + reason(e) + "; the key's password must"
                    + " be the keystore's)");
        }
    }

    /** That the key is the certificate's: something signed with it verifies with the certificate's public key. */
    private static void checkMatch(Path keyFile, PrivateKey key, Path certificateFile, X509Certificate leaf)
            throws TlsException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (!key.getAlgorithm().equals(leaf.getPublicKey().getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && leaf.getPublicKey().getAlgorithm().startsWith("Ed"))) {
            throw new TlsException(keyFile + ": the private key does not match the certificate " + certificateFile
                    + " (a " + key.getAlgorithm() + " key for a " + leaf.getPublicKey().getAlgorithm() + " certificate)");
        }
        if (algorithm == null) {
            return; // a key type we cannot sign with here: the handshake will tell
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new TlsException(keyFile + ": the private key does not match the certificate " + certificateFile
                        + " (the first certificate in the file must be the one for this key)");
            }
        } catch (GeneralSecurityException e) {
            throw new TlsException(keyFile + ": cannot check the private key against " + certificateFile + " ("
                    + reason(e) + ")");
        }
    }

    /** The leaf's DNS subjectAltNames, else its CN, lower case. */
    static List<String> names(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            for (List<?> entry : alternatives == null ? Collections.<List<?>>emptyList() : alternatives) {
                if (Integer.valueOf(2).equals(entry.get(0))) { // dNSName
                    names.add(entry.get(1).toString().toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            // no usable names: fall back to the CN
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException e) {
                // no names at all
            }
        }
        return names;
    }

    private static byte[] read(Path file, String what) throws TlsException {
        try {
            if (Files.isDirectory(file)) {
                throw new TlsException(file + ": is a directory (give the " + what + " file)");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsException(file + ": no such " + what + " file" + (file.isAbsolute() ? ""
                    : " (relative to " + Path.of("").toAbsolutePath() + ")"));
        } catch (AccessDeniedException e) {
            throw new TlsException(file + ": cannot read the " + what + " file: permission denied");
        } catch (IOException e) {
            throw new TlsException(file + ": cannot read the " + what + " file (" + reason(e) + ")");
        }
    }

    private static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
