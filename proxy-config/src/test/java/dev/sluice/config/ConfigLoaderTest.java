package dev.sluice.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Good configurations load with the values written and the documented defaults. */
class ConfigLoaderTest {
    private static SluiceConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(yaml, "t.yaml", env);
    }

    @Test
    void smallestFileGetsEveryDefault() throws Exception {
        // one upstream and one route: everything else comes from the documented defaults
        SluiceConfig c = parse("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """, Map.of());
        assertEquals("t.yaml", c.source());
        assertEquals(List.of(ListenerConfig.DEFAULT), c.listeners());
        assertEquals(Map.of("demo", UpstreamConfig.builtin("demo", Builtin.ECHO)), c.upstreams());
        assertEquals(List.of(RouteConfig.of("/", "demo")), c.routes());
        assertEquals(LimitsConfig.DEFAULTS, c.limits());
        assertEquals(List.of(), c.trustedProxies());
        assertEquals(AccessLogConfig.STDOUT, c.accessLog());
        assertNull(c.admin());
        assertEquals(Duration.ZERO, c.acceptGrace());
        assertEquals(Duration.ofSeconds(30), c.drainTimeout());
        assertNull(c.recording(), "nothing recorded unless asked");
    }

    @Test
    void recordingIsOffUnlessTheFileHasTheSection() throws Exception {
        // recording: {} keeps message metadata; payloads: a size keeps that much of each payload
        String base = "upstreams: { demo: { builtin: echo } }\nroutes: [ { match: { path: / }, upstream: demo } ]\n";
        assertEquals(RecordingConfig.METADATA, parse(base + "recording: {}\n", Map.of()).recording());
        assertEquals(new RecordingConfig(256), parse(base + "recording: { payloads: 256B }\n", Map.of()).recording());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(base + "recording: { payloads: 2MiB }\n", Map.of()));
        assertEquals("t.yaml:3:24: recording.payloads: 2MiB is too large (at most 1MiB)", e.problems().get(0).toString());
    }

    @Test
    void recordingHasABudgetAndRedactsSecretsByDefault() throws Exception {
        // {} and payloads alone: a 16MiB budget, secrets redacted; budget and keep-secrets as written
        String base = "upstreams: { demo: { builtin: echo } }\nroutes: [ { match: { path: / }, upstream: demo } ]\n";
        RecordingConfig metadata = parse(base + "recording: {}\n", Map.of()).recording();
        assertEquals(16L * 1024 * 1024, metadata.budgetBytes());
        assertFalse(metadata.keepSecrets());
        assertEquals(new RecordingConfig(256, 16L * 1024 * 1024, false),
                parse(base + "recording: { payloads: 256B }\n", Map.of()).recording());
        assertEquals(new RecordingConfig(1024, 2L * 1024 * 1024, true),
                parse(base + "recording: { payloads: 1KiB, budget: 2MiB, keep-secrets: true }\n", Map.of()).recording());
        assertEquals(new RecordingConfig(0, 64 * 1024, false),
                parse(base + "recording:\n  budget: 65536\n  keep-secrets: false\n", Map.of()).recording());
    }

    @Test
    void http2IsOffUnlessAListenerAsks() throws Exception {
        // http2: true takes 100 streams a connection; a mapping sets them; false or no key is HTTP/1.1 only
        String base = "upstreams: { demo: { builtin: echo } }\nroutes: [ { match: { path: / }, upstream: demo } ]\n";
        SluiceConfig c = parse(base + """
                listeners:
                  - { address: 127.0.0.1:8080 }
                  - { address: 127.0.0.1:8081, http2: true }
                  - { address: 127.0.0.1:8082, http2: { max-concurrent-streams: 100 } }
                  - { address: 127.0.0.1:8083, http2: false }
                """, Map.of());
        assertEquals(Arrays.asList(null, Http2Config.DEFAULTS, new Http2Config(100), null),
                c.listeners().stream().map(ListenerConfig::http2).toList());
        assertEquals(100, Http2Config.DEFAULTS.maxConcurrentStreams());
    }

    @Test
    void everyKeyWrittenIsBound() throws Exception {
        // a file using every supported key gets each value, normalised where documented
        SluiceConfig c = parse("""
                listeners:
                  - address: 0.0.0.0:8080
                  - address: "[::1]:0"
                    proxy-protocol: false
                  - address: 0.0.0.0:8443
                    proxy-protocol: true
                upstreams:
                  app:
                    servers:
                      - url: http://127.0.0.1:8081
                        route: node1
                      - url: HTTP://Backend.Example:80/
                        route: node2
                    balance: round-robin
                    sticky-cookie: SESSION
                    connect-timeout: 250ms
                    response-timeout: 90s
                    max-connections-per-server: 10
                  demo:
                    builtin: echo
                routes:
                  - match: { path: /chat/, host: Example.COM }
                    upstream: app
                    strip-prefix: true
                    rewrite-cookie-path: true
                    websocket:
                      enabled: false
                      idle-timeout: 2m
                      half-close-timeout: 5s
                      allowed-origins: [ "https://Example.com", "http://localhost:3000" ]
                      max-tunnels: 7
                  - match: { path: / }
                    upstream: demo
                limits:
                  max-request-header-size: 8KiB
                  max-request-body-size: 1GiB
                  max-tunnels: 100
                  max-tunnels-per-client: 3
                  request-header-timeout: 1m
                  request-body-buffer: 1MiB
                  request-body-timeout: 250ms
                  send-timeout: 2m
                trusted-proxies: [ 10.0.0.0/8, 127.0.0.1, "::1", "fd00::/8" ]
                access-log: logs/access.log
                admin: { address: "[::1]:9901" }
                shutdown: { accept-grace: 5s, drain-timeout: 0s }
                """, Map.of());
        assertEquals(List.of(new ListenerConfig(new HostPort("0.0.0.0", 8080)),
                new ListenerConfig(new HostPort("::1", 0)), new ListenerConfig(new HostPort("0.0.0.0", 8443), null, null, true)),
                c.listeners());
        assertEquals(List.of("app", "demo"), List.copyOf(c.upstreams().keySet()));
        assertEquals(new UpstreamConfig("app", List.of(
                        new ServerConfig(URI.create("http://127.0.0.1:8081"), "node1"),
                        new ServerConfig(URI.create("http://backend.example:80"), "node2")),
                        null, "SESSION", Duration.ofMillis(250), Duration.ofSeconds(90), 10),
                c.upstreams().get("app"));
        assertEquals(new RouteConfig("/chat/", "example.com", "app", true, true, new WebSocketConfig(false,
                        Duration.ofMinutes(2), Duration.ofSeconds(5),
                        List.of("https://example.com", "http://localhost:3000"), 7), null),
                c.routes().get(0));
        assertEquals(RouteConfig.of("/", "demo"), c.routes().get(1));
        assertEquals(new LimitsConfig(8192, 1L << 30, 100, 3, Duration.ofMinutes(1), 1L << 20,
                Duration.ofMillis(250), Duration.ofMinutes(2)), c.limits());
        assertEquals(List.of(new Cidr(InetAddress.getByName("10.0.0.0"), 8),
                new Cidr(InetAddress.getByName("127.0.0.1"), 32),
                new Cidr(InetAddress.getByName("::1"), 128),
                new Cidr(InetAddress.getByName("fd00::"), 8)), c.trustedProxies());
        assertEquals(new AccessLogConfig(AccessLogConfig.Target.FILE, Path.of("logs/access.log")), c.accessLog());
        assertEquals(new AdminConfig(new HostPort("::1", 9901)), c.admin());
        assertEquals(Duration.ofSeconds(5), c.acceptGrace());
        assertEquals(Duration.ZERO, c.drainTimeout());
    }

    @Test
    void serversCarryWeightBackupAndDisabledAndTheUpstreamItsBalanceAndHealthCheck() throws Exception {
        SluiceConfig c = parse("""
                upstreams:
                  app:
                    servers:
                      - { url: http://127.0.0.1:8081, route: node1, weight: 3 }
                      - { url: http://127.0.0.1:8082, route: node2, disabled: true }
                      - { url: http://127.0.0.1:8083, backup: true }
                    balance: least-connections
                    health-check: { websocket: /ws/health, interval: 500ms, unhealthy: 1 }
                  plain:
                    servers: [ { url: http://127.0.0.1:8084 } ]
                    health-check: { path: /health }
                routes: [ { match: { path: / }, upstream: app } ]
                """, Map.of());
        UpstreamConfig app = c.upstreams().get("app");
        assertEquals(List.of(new ServerConfig(URI.create("http://127.0.0.1:8081"), "node1", 3, false, false),
                new ServerConfig(URI.create("http://127.0.0.1:8082"), "node2", 1, false, true),
                new ServerConfig(URI.create("http://127.0.0.1:8083"), null, 1, true, false)), app.servers());
        assertEquals(Balance.LEAST_CONNECTIONS, app.balance());
        assertEquals(new HealthCheckConfig(null, "/ws/health", Duration.ofMillis(500),
                HealthCheckConfig.DEFAULT_TIMEOUT, 2, 1), app.healthCheck());
        assertEquals(Balance.ROUND_ROBIN, c.upstreams().get("plain").balance());
        assertEquals(HealthCheckConfig.http("/health"), c.upstreams().get("plain").healthCheck());
    }

    @Test
    void tlsIsOneEntryOrAnSniListWithRelativePathsAgainstTheHome() throws Exception {
        String yaml = """
                listeners:
                  - address: 0.0.0.0:8443
                    tls: { certificate: conf/tls/cert.pem, private-key: /etc/key.pem, passphrase: "${KEY_PASS}" }
                  - address: 0.0.0.0:8444
                    tls:
                      - { keystore: a.p12, password: pw, protocols: [TLSv1.3], ciphers: [TLS_AES_256_GCM_SHA384] }
                      - { certificate: b.pem, private-key: b.key }
                  - address: 0.0.0.0:8080
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """;
        Path home = Path.of("/opt/sluice");
        SluiceConfig c = ConfigLoader.parse(yaml, "t.yaml", Map.of("KEY_PASS", "s3cret"), home);

        TlsConfig one = c.listeners().get(0).tls();
        assertEquals(List.of(TlsConfig.Certificate.pem(home.resolve("conf/tls/cert.pem"), Path.of("/etc/key.pem"),
                "s3cret")), one.certificates());
        assertEquals(TlsConfig.DEFAULT_PROTOCOLS, one.protocols());
        assertEquals(TlsConfig.DEFAULT_CIPHERS, one.ciphers());
        assertEquals(new TlsConfig(List.of(TlsConfig.Certificate.pkcs12(home.resolve("a.p12"), "pw"),
                        TlsConfig.Certificate.pem(home.resolve("b.pem"), home.resolve("b.key"))),
                List.of("TLSv1.3"), List.of("TLS_AES_256_GCM_SHA384")), c.listeners().get(1).tls());
        assertEquals(null, c.listeners().get(2).tls());
        assertEquals(false, c.listeners().toString().contains("s3cret"), "secrets never in a record's text");

        // without a home (a proxy started in code): relative to the working directory, as written
        SluiceConfig inCode = ConfigLoader.parse(yaml, "t.yaml", Map.of("KEY_PASS", "s3cret"));
        assertEquals(Path.of("conf/tls/cert.pem"), inCode.listeners().get(0).tls().certificates().get(0).certificate());
    }

    @Test
    void httpsServersWithTheirTlsAndTheCaAgainstTheHome() throws Exception {
        String yaml = """
                upstreams:
                  secure:
                    servers: [ { url: https://Backend.example }, { url: "https://10.0.0.5:8443" } ]
                    tls: { ca: conf/tls/upstream-ca.pem }
                  lab:
                    servers: [ { url: https://127.0.0.1:9443 } ]
                    tls: { insecure-skip-verify: true }
                  public:
                    servers: [ { url: https://api.example.com } ]
                  plain:
                    servers: [ { url: http://127.0.0.1:8081 } ]
                routes: [ { match: { path: / }, upstream: secure } ]
                """;
        Path home = Path.of("/opt/sluice");
        SluiceConfig c = ConfigLoader.parse(yaml, "t.yaml", Map.of(), home);

        UpstreamConfig secure = c.upstreams().get("secure");
        assertEquals(List.of(URI.create("https://backend.example:443"), URI.create("https://10.0.0.5:8443")),
                secure.servers().stream().map(ServerConfig::url).toList());
        assertEquals(new UpstreamTlsConfig(home.resolve("conf/tls/upstream-ca.pem"), false), secure.tls());
        assertEquals(new UpstreamTlsConfig(null, true), c.upstreams().get("lab").tls());
        assertEquals(UpstreamTlsConfig.DEFAULT, c.upstreams().get("public").tls(), "the JDK trust store by default");
        assertEquals(null, c.upstreams().get("plain").tls());
        assertEquals(Path.of("ca.pem"), ConfigLoader.parse(yaml.replace("conf/tls/upstream-ca.pem", "ca.pem"), "t.yaml",
                Map.of()).upstreams().get("secure").tls().ca(), "without a home: as written");
    }

    @Test
    void hstsOnATlsListenerAndRedirectToHttpsOnAPlainOne() throws Exception {
        SluiceConfig c = parse("""
                listeners:
                  - address: 0.0.0.0:8443
                    tls: { certificate: cert.pem, private-key: key.pem }
                    hsts: 365d
                  - address: 0.0.0.0:8444
                    tls: { certificate: cert.pem, private-key: key.pem }
                    hsts: 0s
                  - address: 0.0.0.0:8080
                    redirect-to-https: 8443
                  - address: 0.0.0.0:8081
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """, Map.of());
        assertEquals(Duration.ofDays(365), c.listeners().get(0).hsts());
        assertEquals(Duration.ZERO, c.listeners().get(1).hsts(), "max-age=0 tells browsers to forget the host");
        assertEquals(8443, c.listeners().get(2).redirectToHttps());
        assertNull(c.listeners().get(2).hsts());
        assertNull(c.listeners().get(3).redirectToHttps());

        // in code the record refuses the same mistakes
        ListenerConfig plain = new ListenerConfig(new HostPort("127.0.0.1", 0));
        assertThrows(IllegalArgumentException.class, () -> plain.withHsts(Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> plain.withRedirectToHttps(0));
        assertThrows(IllegalArgumentException.class, () -> c.listeners().get(0).withRedirectToHttps(443));
    }

    @Test
    void adminAllowedHostsAndTokenAreRead() throws Exception {
        // Host names compare lower-case, IPv6 in brackets; the token comes from the environment,
        // and an empty one (a variable that is not set) is no token
        String rest = """
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """;
        AdminConfig admin = parse("admin: { allowed-hosts: [ Admin.Example, \"::1\", 10.0.0.5 ], token: "
                + "\"${SLUICE_ADMIN_TOKEN}\" }\n" + rest, Map.of("SLUICE_ADMIN_TOKEN", "s3cret")).admin();
        assertEquals(List.of("admin.example", "[::1]", "10.0.0.5"), admin.allowedHosts());
        assertEquals("s3cret", admin.token());
        assertFalse(admin.toString().contains("s3cret"), admin.toString());
        assertNull(parse("admin: { token: \"${SLUICE_ADMIN_TOKEN:-}\" }\n" + rest, Map.of()).admin().token());
    }

    @Test
    void adminIsOffUnlessItsSectionIsWritten() throws Exception {
        // admin commented out to an empty key is no admin listener; admin: {} is one on 127.0.0.1:9901;
        // port 0 for the admin and a listener is no clash (each gets a free port of its own)
        String rest = """
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """;
        assertNull(parse("admin:\n  # address: 127.0.0.1:9901\n" + rest, Map.of()).admin());
        assertEquals(new AdminConfig(new HostPort("127.0.0.1", 9901)), parse("admin: {}\n" + rest, Map.of()).admin());
        SluiceConfig zero = parse("listeners: [ { address: 127.0.0.1:0 } ]\nadmin: { address: 127.0.0.1:0 }\n"
                + rest, Map.of());
        assertEquals(new HostPort("127.0.0.1", 0), zero.admin().address());
        assertEquals(Duration.ofDays(7), parse("shutdown: { accept-grace: 168h }\n" + rest, Map.of()).acceptGrace());
    }

    @Test
    void hashIsOfTheTextAsWritten() throws Exception {
        // the same text hashes the same (other environment values too: it is taken before ${VAR}
        // substitution); one more comment changes it; it is 12 hex digits
        String text = """
                listeners: [ { address: "127.0.0.1:${PORT}" } ]
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """;
        String hash = parse(text, Map.of("PORT", "8080")).hash();
        assertTrue(hash.matches("[0-9a-f]{12}"), hash);
        assertEquals(hash, parse(text, Map.of("PORT", "8080")).hash());
        assertEquals(hash, parse(text, Map.of("PORT", "9090")).hash());
        assertNotEquals(hash, parse(text + "# reviewed\n", Map.of("PORT", "8080")).hash());
    }

    @Test
    void hashOfAFileIsOfItsBytes(@TempDir Path dir) throws Exception {
        // SHA-256 of the bytes on disk, first 12 hex digits: an operator can compare it with sha256sum
        Path file = dir.resolve("s.yaml");
        byte[] bytes = """
                # café
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """.getBytes(StandardCharsets.UTF_8);
        Files.write(file, bytes);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        assertEquals(expected, ConfigLoader.load(file).hash());
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1)); // without the last newline
        assertNotEquals(expected, ConfigLoader.load(file).hash());
    }

    @Test
    void subprotocolRoutesShareAHostAndPath() throws Exception {
        // match.subprotocol is kept as written (case-sensitive); absent, the route takes any request
        SluiceConfig c = parse("""
                upstreams: { a: { builtin: echo }, b: { builtin: echo } }
                routes:
                  - match: { path: /chat/, subprotocol: chat }
                    upstream: a
                  - match: { path: /chat/, host: example.com, subprotocol: "v2.STOMP" }
                    upstream: b
                  - match: { path: /chat/ }
                    upstream: a
                """, Map.of());
        assertEquals(List.of(
                new RouteConfig("/chat/", null, "a", false, WebSocketConfig.DEFAULTS, "chat"),
                new RouteConfig("/chat/", "example.com", "b", false, WebSocketConfig.DEFAULTS, "v2.STOMP"),
                RouteConfig.of("/chat/", "a")), c.routes());
        assertNull(c.routes().get(2).subprotocol());
    }

    @Test
    void limitsDefaultAsDesignSays() throws Exception {
        // DESIGN.md's limits block: tunnels per client off (0) unless written, body buffer 64KiB, 60s timeouts
        LimitsConfig d = parse("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                limits: { max-tunnels: 10 }
                """, Map.of()).limits();
        assertEquals(0, d.maxTunnelsPerClient());
        assertFalse(d.tunnelsPerClientLimited());
        assertEquals(64 * 1024, d.requestBodyBuffer());
        assertEquals(Duration.ofSeconds(60), d.requestBodyTimeout());
        assertEquals(Duration.ofSeconds(60), d.sendTimeout());
        assertEquals(LimitsConfig.DEFAULTS.withMaxTunnels(10), d);
    }

    @Test
    void zeroTurnsOffThePerClientLimitAndBodyBuffering() throws Exception {
        // max-tunnels-per-client: 0 is "no limit", request-body-buffer: 0 "never buffer"; a buffer
        // above max-request-body-size is allowed (every allowed body is then buffered)
        LimitsConfig off = parse("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                limits: { max-tunnels-per-client: 0, request-body-buffer: 0 }
                """, Map.of()).limits();
        assertFalse(off.tunnelsPerClientLimited());
        assertEquals(0, off.requestBodyBuffer());
        LimitsConfig on = parse("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                limits: { max-tunnels-per-client: 1, max-request-body-size: 1KiB, request-body-buffer: 1MiB }
                """, Map.of()).limits();
        assertTrue(on.tunnelsPerClientLimited());
        assertEquals(1, on.maxTunnelsPerClient());
        assertEquals(1L << 20, on.requestBodyBuffer());
    }

    @Test
    void aliasesAndMergeKeysWithinTheBudgetLoad() throws Exception {
        // the ordinary use of aliases: shared defaults merged into upstreams, one websocket block reused
        SluiceConfig c = parse("""
                upstreams:
                  a: &defaults
                    servers: [ { url: http://127.0.0.1:8081 } ]
                    connect-timeout: 2s
                    response-timeout: 30s
                  b:
                    <<: *defaults
                    servers: [ { url: http://127.0.0.1:8082 } ]
                routes:
                  - { match: { path: /a/ }, upstream: a, websocket: &ws { idle-timeout: 5m, max-tunnels: 9 } }
                  - { match: { path: /b/ }, upstream: b, websocket: *ws }
                """, Map.of());
        UpstreamConfig b = c.upstreams().get("b");
        assertEquals(URI.create("http://127.0.0.1:8082"), b.servers().get(0).url());
        assertEquals(Duration.ofSeconds(2), b.connectTimeout());
        assertEquals(Duration.ofSeconds(30), b.responseTimeout());
        assertEquals(c.routes().get(0).websocket(), c.routes().get(1).websocket());
        assertEquals(Duration.ofMinutes(5), c.routes().get(1).websocket().idleTimeout());
    }

    @Test
    void environmentVariablesAreSubstitutedWithDefaults() throws Exception {
        // ${VAR} takes the environment's value, ${VAR:-x} falls back when unset or empty, $${ stays literal
        SluiceConfig c = parse("""
                listeners: [ { address: "${HOST:-127.0.0.1}:${PORT}" } ]
                upstreams:
                  app: { servers: [ { url: "http://${BACKEND}:8081" } ], connect-timeout: "${CT:-3s}" }
                routes: [ { match: { path: "/$${x}" }, upstream: app } ]
                access-log: ${LOG:-off}
                """, Map.of("PORT", "9000", "BACKEND", "10.1.2.3", "LOG", ""));
        assertEquals(new HostPort("127.0.0.1", 9000), c.listeners().get(0).address());
        assertEquals(URI.create("http://10.1.2.3:8081"), c.upstreams().get("app").servers().get(0).url());
        assertEquals(Duration.ofSeconds(3), c.upstreams().get("app").connectTimeout());
        assertEquals("/${x}", c.routes().get(0).path());
        assertEquals(AccessLogConfig.OFF, c.accessLog());
    }

    @Test
    void emptySectionsMeanDefaults() throws Exception {
        // a section whose keys are all commented out is empty (YAML null), not an error
        SluiceConfig c = parse("""
                listeners:
                  # - address: 0.0.0.0:8080
                upstreams: { demo: { builtin: echo } }
                routes:
                  - match: { path: / }
                    upstream: demo
                    websocket: {}
                limits:
                trusted-proxies:
                shutdown: {}
                """, Map.of());
        assertEquals(List.of(ListenerConfig.DEFAULT), c.listeners());
        assertEquals(List.of(RouteConfig.of("/", "demo")), c.routes());
        assertEquals(LimitsConfig.DEFAULTS, c.limits());
        assertEquals(List.of(), c.trustedProxies());
        assertEquals(SluiceConfig.DEFAULT_DRAIN_TIMEOUT, c.drainTimeout());
    }

    @Test
    void jsonIsReadLikeYaml() throws Exception {
        // the admin API will post JSON bodies through the same loader
        SluiceConfig c = parse("""
                {"upstreams": {"demo": {"builtin": "echo"}},
                 "routes": [{"match": {"path": "/"}, "upstream": "demo", "strip-prefix": false}]}
                """, Map.of());
        assertEquals(List.of(RouteConfig.of("/", "demo")), c.routes());
    }

    @Test
    void anchorsAndMergeKeysShareSettings() throws Exception {
        // a few aliases are fine: the limit only stops alias bombs
        SluiceConfig c = parse("""
                upstreams:
                  a: &common { servers: [ { url: http://127.0.0.1:8081 } ], connect-timeout: 1s }
                  b:
                    <<: *common
                    connect-timeout: 2s
                routes:
                  - { match: { path: /a/ }, upstream: a }
                  - { match: { path: /b/ }, upstream: b }
                """, Map.of());
        assertEquals(Duration.ofSeconds(1), c.upstreams().get("a").connectTimeout());
        assertEquals(Duration.ofSeconds(2), c.upstreams().get("b").connectTimeout());
        assertEquals(c.upstreams().get("a").servers(), c.upstreams().get("b").servers());
    }

    @Test
    void loadReadsAFileAndNamesItInTheSource(@TempDir Path dir) throws Exception {
        // load() is parse() of the file's text, with the path as given for the source
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """);
        assertEquals(file.toString(), ConfigLoader.load(file).source());
    }

    @Test
    void missingFileIsOneProblemWithoutAPlace(@TempDir Path dir) throws IOException {
        // a wrong path says so, with line 0 (no place in a file that is not there)
        Path file = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(List.of(new ConfigProblem(file.toString(), 0, 0, "",
                "no such file (check the path, or pass the configuration with -c FILE)")), e.problems());
        assertEquals(file + ": no such file (check the path, or pass the configuration with -c FILE)",
                e.problems().get(0).toString());
    }

    @Test
    void directoryIsOneProblemWithoutAPlace(@TempDir Path dir) {
        // a directory (or any unreadable path) is one problem, not a stack trace
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
        assertEquals(1, e.problems().size());
        assertEquals(0, e.problems().get(0).line());
    }
}
