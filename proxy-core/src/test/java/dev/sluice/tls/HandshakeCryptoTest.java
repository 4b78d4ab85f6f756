package dev.sluice.tls;

import dev.sluice.config.TlsConfig;
import dev.sluice.testing.TestCertificates;
import dev.sluice.testing.TestCertificates.KeyForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.KeyAgreement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TLS listener's handshakes use BouncyCastle's X25519 and ECDSA, and the results are what the
 * JDK's own implementations compute or accept; nothing else in the JVM changes provider.
 */
class HandshakeCryptoTest {
    private static final byte[] TRANSCRIPT = "a handshake transcript".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void aListenersEcKeySignsWithBouncyCastleAndTheCertificateVerifiesIt() throws Exception {
        for (KeyForm form : new KeyForm[] {KeyForm.PKCS8, KeyForm.TRADITIONAL_ENCRYPTED, KeyForm.PKCS12}) {
            TestCertificates.Leaf leaf = TestCertificates.ca().leaf("EC", Duration.ofDays(30), "app.test");
            LoadedCertificate loaded = ListenerTls.load(TlsConfig.of(
                    leaf.write(dir, form.name(), form, "secret"))).certificates().get(0);

            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(loaded.key());
            signer.update(TRANSCRIPT);
            byte[] signature = signer.sign();
            assertEquals(HandshakeCrypto.NAME, signer.getProvider().getName(), form + " key");

            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(loaded.chain()[0].getPublicKey());
            verifier.update(TRANSCRIPT);
            assertEquals("SunEC", verifier.getProvider().getName());
            assertTrue(verifier.verify(signature), form + " key");
        }
    }

    @Test
    void otherEcKeysAndRsaKeysKeepTheJdksSignatures() throws Exception {
        ListenerTls.load(TlsConfig.of(TestCertificates.ca().leaf("app.test").write(dir, "ec")));
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        assertEquals("SunEC", providerSigningWith("SHA256withECDSA", ec.generateKeyPair().getPrivate()));

        TestCertificates.Leaf rsa = TestCertificates.ca().leaf("RSA", Duration.ofDays(30), "rsa.test");
        PrivateKey loaded = ListenerTls.load(TlsConfig.of(rsa.write(dir, "rsa"))).certificates().get(0).key();
        assertEquals("SunRsaSign", providerSigningWith("SHA256withRSA", loaded));
    }

    // The key exchange of a handshake: Sluice's half from BouncyCastle, the client's from the JDK;
    // both sides derive the same secret.
    @Test
    void anX25519ExchangeWithAJdkPeerAgreesOnTheSecret() throws Exception {
        ListenerTls.load(TlsConfig.of(TestCertificates.ca().leaf("app.test").write(dir, "ec")));
        KeyPairGenerator ours = KeyPairGenerator.getInstance("XDH");
        ours.initialize(NamedParameterSpec.X25519);
        assertEquals(HandshakeCrypto.NAME, ours.getProvider().getName());
        KeyPairGenerator jdk = KeyPairGenerator.getInstance("XDH", "SunEC");
        jdk.initialize(NamedParameterSpec.X25519);
        KeyPair sluice = ours.generateKeyPair();
        KeyPair client = jdk.generateKeyPair();

        KeyAgreement sluiceSide = KeyAgreement.getInstance("XDH");
        byte[] sluiceSecret = agree(sluiceSide, sluice.getPrivate(), client.getPublic());
        assertEquals(HandshakeCrypto.NAME, sluiceSide.getProvider().getName());
        KeyAgreement clientSide = KeyAgreement.getInstance("XDH", "SunEC");
        assertArrayEquals(agree(clientSide, client.getPrivate(), sluice.getPublic()), sluiceSecret);
    }

    private static byte[] agree(KeyAgreement agreement, PrivateKey mine, PublicKey theirs) throws Exception {
        agreement.init(mine);
        agreement.doPhase(theirs, true);
        return agreement.generateSecret("TlsPremasterSecret").getEncoded();
    }

    private static String providerSigningWith(String algorithm, PrivateKey key) throws Exception {
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        return signer.getProvider().getName();
    }
}
