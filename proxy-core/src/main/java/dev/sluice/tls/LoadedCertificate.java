package dev.sluice.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One certificate chain with its private key, read and checked.
 *
 * @param file  the certificate (or keystore) file it came from, as configured
 * @param key   the private key, which matches {@code chain[0]}
 * @param chain leaf first
 * @param names the DNS names the leaf is for (its subjectAltName DNS entries, else its CN), lower
 *              case; wildcards as written ({@code *.example.com})
 */
public record LoadedCertificate(String file, PrivateKey key, X509Certificate[] chain, List<String> names) {
    public LoadedCertificate {
        names = List.copyOf(names);
    }

    /** When the leaf certificate expires. */
    public Instant notAfter() {
        return chain[0].getNotAfter().toInstant();
    }

    /** The first name, which names it in logs and metrics; its subject when it has no DNS name. */
    public String name() {
        return names.isEmpty() ? chain[0].getSubjectX500Principal().getName() : names.get(0);
    }

    /** Whether the certificate is valid for this host name (exact, or one label under a wildcard). */
    public boolean covers(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String name : names) {
            if (name.equals(h)) {
                return true;
            }
            if (name.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot).equals(name.substring(1))) {
                    return true;
                }
            }
        }
        return false;
    }
}
