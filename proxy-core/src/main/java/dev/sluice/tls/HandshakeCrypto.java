package dev.sluice.tls;

import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Map;

/**
 * BouncyCastle's X25519 and ECDSA for the JDK's TLS handshakes, which spend most of their CPU in
 * the JDK 17 versions of the two: per handshake, an X25519 key pair and agreement (about 370 µs in
 * the JDK, 130 in BouncyCastle on the 2-core bench machine) and, for a full handshake with an EC
 * certificate, a P-256 signature (430 µs against 70 with BouncyCastle's precomputed tables).
 *
 * <p>The JDK's TLS code asks the JCA by algorithm name, so the only way in is a provider ahead of
 * the JDK's. This one offers as little as it can: an XDH key-pair generator (TLS asks for one per
 * handshake and has no key to choose a provider by), and an XDH key agreement and ECDSA signatures
 * that the JCA picks only for BouncyCastle's own key classes. So other code in the JVM that signs
 * with a JDK EC key, or verifies anything, keeps the JDK's implementations; only the EC keys that
 * {@link CertificateFiles} loads for a listener are BouncyCastle keys.
 */
final class HandshakeCrypto extends Provider {
    static final String NAME = "SluiceHandshake";
    private static final String EDEC = "org.bouncycastle.jcajce.provider.asymmetric.edec.";
    private static final String EC = "org.bouncycastle.jcajce.provider.asymmetric.ec.";

    private HandshakeCrypto() {
        super(NAME, "1", "BouncyCastle's X25519 and ECDSA for TLS handshakes");
        Map<String, String> xdhKeys = Map.of("SupportedKeyClasses", EDEC + "BCXDHPrivateKey|" + EDEC + "BC11XDHPrivateKey");
        putService(new Service(this, "KeyPairGenerator", "XDH", EDEC + "KeyPairGeneratorSpi$XDH", List.of(), null));
        putService(new Service(this, "KeyAgreement", "XDH", EDEC + "KeyAgreementSpi$XDH", List.of(), xdhKeys));
        Map<String, String> ecKeys = Map.of("SupportedKeyClasses", EC + "BCECPrivateKey");
        putService(new Service(this, "Signature", "SHA256withECDSA", EC + "SignatureSpi$ecDSA256", List.of(), ecKeys));
        putService(new Service(this, "Signature", "SHA384withECDSA", EC + "SignatureSpi$ecDSA384", List.of(), ecKeys));
        putService(new Service(this, "Signature", "SHA512withECDSA", EC + "SignatureSpi$ecDSA512", List.of(), ecKeys));
    }

    /** Puts the provider first, once per JVM; called before a listener's first handshake. */
    static synchronized void install() {
        if (Security.getProvider(NAME) == null) {
            Security.insertProviderAt(new HandshakeCrypto(), 1);
        }
    }
}
