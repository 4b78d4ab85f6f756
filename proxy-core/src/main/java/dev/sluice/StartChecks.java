package dev.sluice;

import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.tls.TlsException;
import dev.sluice.tls.UpstreamTrust;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code sluice --check} does besides reading the file, like {@code nginx -t}: every file the
 * configuration reads is read (certificates and keys, each key against its certificate; upstream
 * CA files), and every file it writes is opened for appending (the access log, created if need be).
 */
final class StartChecks {
    private StartChecks() {
    }

    /** What keeps the configuration from starting, one line each; empty when it can. */
    static List<String> problems(SluiceConfig config) {
        List<String> problems = new ArrayList<>(ListenerCertificates.problems(config));
        for (UpstreamConfig upstream : config.upstreams().values()) {
            if (upstream.tls() != null) {
                try {
                    UpstreamTrust.manager(upstream.tls());
                } catch (TlsException e) {
                    problems.add("upstreams." + upstream.name() + ".tls: " + e.getMessage());
                }
            }
        }
        if (config.accessLog().target() == AccessLogConfig.Target.FILE) {
            Path file = config.accessLog().file();
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                // opened, as at start; nothing written
            } catch (IOException e) {
                problems.add("access-log: cannot open " + file + " for appending (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            }
        }
        return problems;
    }
}
