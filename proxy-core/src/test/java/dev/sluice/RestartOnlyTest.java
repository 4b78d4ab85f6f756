package dev.sluice;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A reload refused for what only a restart changes says so in the file's terms, not as Java records. */
class RestartOnlyTest {
    private static SluiceConfig parse(String yaml) throws Exception {
        return ConfigLoader.parse(yaml + """
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """, "t.yaml", Map.of());
    }

    @Test
    void eachChangeIsNamedByItsKeyWithBothValuesAsWritten() throws Exception {
        SluiceConfig running = parse("""
                listeners: [ { address: 127.0.0.1:25080 }, { address: 127.0.0.1:25081 } ]
                limits: { request-header-timeout: 10s }
                access-log: stdout
                """);
        SluiceConfig next = parse("""
                listeners: [ { address: 127.0.0.1:25084 }, { address: 127.0.0.1:25081, http2: true } ]
                admin: { address: 127.0.0.1:9901 }
                limits: { request-header-timeout: 1m, max-request-header-size: 8KiB }
                access-log: { file: logs/access.log, format: json }
                recording: { payloads: 1KiB }
                """);
        assertEquals(List.of(
                "listeners[0].address changed from 127.0.0.1:25080 to 127.0.0.1:25084: restart to change it",
                "listeners[1].http2 changed from off to { max-concurrent-streams: 100 }: restart to change it",
                "admin.address changed from none to 127.0.0.1:9901: restart to change it",
                "limits.max-request-header-size changed from 16KiB to 8KiB: restart to change it",
                "limits.request-header-timeout changed from 10s to 1m: restart to change it",
                "access-log changed from stdout to { file: logs/access.log, format: json }: restart to change it",
                "recording changed from off to { payloads: 1KiB, budget: 16MiB, keep-secrets: false }: restart to change it"),
                RestartOnly.changes(running, next));
    }

    @Test
    void hstsRedirectsAndCertificatesChangeOnReloadAndAnotherListenerCountIsOneLine() throws Exception {
        SluiceConfig running = parse("listeners: [ { address: 127.0.0.1:25080 }, { address: 127.0.0.1:25081 } ]\n");
        SluiceConfig redirect = parse("""
                listeners: [ { address: 127.0.0.1:25080, redirect-to-https: 8443 }, { address: 127.0.0.1:25081 } ]
                """);
        assertEquals(List.of(), RestartOnly.changes(running, redirect));
        assertEquals(List.of("listeners: 1 listener where 2 run: restart to change it"),
                RestartOnly.changes(running, parse("listeners: [ { address: 127.0.0.1:25080 } ]\n")));
    }
}
