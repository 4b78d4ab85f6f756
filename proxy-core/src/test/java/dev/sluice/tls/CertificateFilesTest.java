package dev.sluice.tls;

import dev.sluice.config.TlsConfig;
import dev.sluice.testing.TestCertificates;
import dev.sluice.testing.TestCertificates.KeyForm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading certificates and keys in every form, and saying at the file what is wrong with a bad one. */
class CertificateFilesTest {
    private static TestCertificates ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCa() {
        ca = TestCertificates.ca();
    }

    @ParameterizedTest(name = "{0} key as {1}")
    @CsvSource({"EC, PKCS8", "EC, PKCS8_ENCRYPTED", "EC, TRADITIONAL", "EC, TRADITIONAL_ENCRYPTED", "EC, PKCS12",
            "RSA, PKCS8", "RSA, PKCS8_ENCRYPTED", "RSA, TRADITIONAL", "RSA, TRADITIONAL_ENCRYPTED", "RSA, PKCS12"})
    void readsEveryKeyForm(String keyType, KeyForm form) throws Exception {
        TestCertificates.Leaf leaf = ca.leaf(keyType, Duration.ofDays(30), "app.test", "*.app.test");
        TlsConfig.Certificate files = leaf.write(dir, "leaf", form, "s3cret pass");
        if (form == KeyForm.TRADITIONAL) {
            String header = keyType.equals("RSA") ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY";
            assertTrue(Files.readString(files.privateKey()).contains(header), "PKCS#1 / SEC1 form");
        }

        LoadedCertificate loaded = CertificateFiles.load(files);

        assertEquals(leaf.certificate(), loaded.chain()[0]);
        assertEquals(2, loaded.chain().length, "the chain, CA included");
        assertEquals(keyType, loaded.key().getAlgorithm());
        assertEquals(List.of("app.test", "*.app.test"), loaded.names());
        assertTrue(loaded.covers("APP.test") && loaded.covers("api.app.test"));
        assertFalse(loaded.covers("a.b.app.test") || loaded.covers("other.test"), "a wildcard is one label");
        assertTrue(loaded.notAfter().isAfter(Instant.now().plus(Duration.ofDays(29))));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtTheKeyFile() throws Exception {
        TlsConfig.Certificate a = ca.leaf("a.test").write(dir, "a");
        TlsConfig.Certificate b = ca.leaf("b.test").write(dir, "b");
        TlsException e = assertThrows(TlsException.class,
                () -> CertificateFiles.load(TlsConfig.Certificate.pem(a.certificate(), b.privateKey())));
        assertTrue(e.getMessage().startsWith(b.privateKey() + ": the private key does not match the certificate "
                + a.certificate()), e.getMessage());
    }

    @Test
    void anRsaKeyForAnEcCertificateIsRefused() throws Exception {
        TlsConfig.Certificate ec = ca.leaf("a.test").write(dir, "ec");
        TlsConfig.Certificate rsa = ca.leaf("RSA", Duration.ofDays(1), "a.test").write(dir, "rsa");
        TlsException e = assertThrows(TlsException.class,
                () -> CertificateFiles.load(TlsConfig.Certificate.pem(ec.certificate(), rsa.privateKey())));
        assertTrue(e.getMessage().contains("a RSA key for a EC certificate"), e.getMessage());
    }

    @Test
    void anEncryptedKeyNeedsItsPassphrase() throws Exception {
        TestCertificates.Leaf leaf = ca.leaf("a.test");
        TlsConfig.Certificate pkcs8 = leaf.write(dir, "p8", KeyForm.PKCS8_ENCRYPTED, "right");
        TlsConfig.Certificate traditional = leaf.write(dir, "trad", KeyForm.TRADITIONAL_ENCRYPTED, "right");
        for (TlsConfig.Certificate files : List.of(pkcs8, traditional)) {
            TlsException missing = assertThrows(TlsException.class, () -> CertificateFiles.load(
                    TlsConfig.Certificate.pem(files.certificate(), files.privateKey())));
            assertTrue(missing.getMessage().startsWith(files.privateKey() + ": the private key is encrypted (set passphrase"),
                    missing.getMessage());
            TlsException wrong = assertThrows(TlsException.class, () -> CertificateFiles.load(
                    TlsConfig.Certificate.pem(files.certificate(), files.privateKey(), "wrong")));
            assertTrue(wrong.getMessage().startsWith(files.privateKey() + ": cannot decrypt the private key"),
                    wrong.getMessage());
        }
    }

    @Test
    void aKeystoreWithTheWrongPasswordIsRefusedAtItsFile() throws Exception {
        TlsConfig.Certificate p12 = ca.leaf("a.test").write(dir, "ks", KeyForm.PKCS12, "right");
        TlsException e = assertThrows(TlsException.class,
                () -> CertificateFiles.load(TlsConfig.Certificate.pkcs12(p12.keystore(), "wrong")));
        assertTrue(e.getMessage().startsWith(p12.keystore() + ": cannot open the PKCS#12 keystore"), e.getMessage());
    }

    @Test
    void missingAndGarbageFilesSayWhichFileAndWhy() throws Exception {
        TlsConfig.Certificate good = ca.leaf("a.test").write(dir, "good");
        Path missing = dir.resolve("nope.pem");
        TlsException noFile = assertThrows(TlsException.class,
                () -> CertificateFiles.load(TlsConfig.Certificate.pem(missing, good.privateKey())));
        assertEquals(missing + ": no such certificate file", noFile.getMessage());

        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello, not a certificate\n");
        TlsException badCert = assertThrows(TlsException.class,
                () -> CertificateFiles.load(TlsConfig.Certificate.pem(garbage, good.privateKey())));
        assertTrue(badCert.getMessage().startsWith(garbage + ": "), badCert.getMessage());

        TlsException badKey = assertThrows(TlsException.class,
                () -> CertificateFiles.load(TlsConfig.Certificate.pem(good.certificate(), garbage)));
        assertTrue(badKey.getMessage().startsWith(garbage + ": no private key in it"), badKey.getMessage());
    }

    @Test
    void sniPicksTheCoveringCertificateOfTheAskedKeyTypeElseTheFirst() throws Exception {
        LoadedCertificate a = CertificateFiles.load(ca.leaf("a.test").write(dir, "a"));
        LoadedCertificate b = CertificateFiles.load(ca.leaf("*.b.test").write(dir, "b"));
        LoadedCertificate rsa = CertificateFiles.load(ca.leaf("RSA", Duration.ofDays(1), "c.test").write(dir, "c"));
        SniKeyManager keys = new SniKeyManager(List.of(a, b, rsa));

        assertEquals("0", keys.choose("EC", null), "no SNI: the first");
        assertEquals("0", keys.choose("EC", "unknown.test"), "an unknown name: the first");
        assertEquals("1", keys.choose("EC", "x.b.test"));
        assertEquals("2", keys.choose("RSA", "c.test"));
        assertEquals(null, keys.choose("EC", "c.test"), "c.test has an RSA key only: the handshake tries RSA next");
        assertEquals(null, keys.choose("RSA", null), "the first is EC");
        assertTrue(Arrays.equals(b.chain(), keys.getCertificateChain("1")));
    }
}
