package dev.sluice.config;

import dev.sluice.config.YamlMapping.Keys;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds a composed YAML tree to a {@link SluiceConfig} by hand, section by section, reporting
 * every problem with a value; upstreams, routes and faults have binders of their own. What spans values
 * is {@link ConfigRules}': the binders hand it every value they read, in {@link #ruleInputs()}.
 */
final class ConfigBinder {
    private static final Keys ROOT = Keys.of("listeners", "admin", "upstreams", "routes", "limits",
            "trusted-proxies", "access-log", "shutdown", "faults", "recording");
    private static final Keys ACCESS_LOG = Keys.of("file", "format");
    private static final Keys LISTENER = Keys.of("address", "tls", "http2", "proxy-protocol", "hsts",
            "redirect-to-https");
    private static final Keys HTTP2 = Keys.of("max-concurrent-streams");
    private static final Keys TLS = Keys.of("certificate", "private-key", "passphrase", "keystore", "password",
            "protocols", "ciphers");
    private static final String TLS_EXAMPLE = "tls: { certificate: conf/tls/cert.pem, private-key: conf/tls/key.pem }";
    private static final Keys LIMITS = Keys.of("max-request-header-size", "max-request-body-size", "max-tunnels",
            "max-tunnels-per-client", "request-header-timeout", "request-body-buffer", "request-body-timeout",
            "send-timeout");
    private static final Keys ADMIN = Keys.of("address", "allowed-hosts", "token", "faults");
    private static final Keys SHUTDOWN = Keys.of("accept-grace", "drain-timeout");
    private static final Keys RECORDING = Keys.of("payloads", "budget", "keep-secrets");
    private static final Duration MAX_TIMEOUT = Duration.ofDays(7);
    // how long a client may stall one step (its head, a body read, a write to it)
    private static final Duration CLIENT_TIMEOUT = Duration.ofHours(1);
    // held in memory per request: 1GiB also keeps it within an int
    private static final long MAX_BODY_BUFFER = 1L << 30;

    private final Values values;
    private final Problems problems;
    private final ConfigRules.Inputs ruleInputs = new ConfigRules.Inputs();
    private final FilePaths files;

    /** @param home what relative paths in the file are against; null: the working directory (left relative) */
    ConfigBinder(Values values, Path home) {
        this.values = values;
        this.problems = values.problems();
        this.files = new FilePaths(values, home);
    }

    /**
     * The configuration, or null when there was any problem; the rules that span values are not
     * applied yet (see {@link #ruleInputs()}).
     *
     * @param hash the configuration's {@link SluiceConfig#hash()}
     */
    SluiceConfig bind(Node root, String source, String hash) {
        if (root == null || YamlMapping.isNull(root)) {
            problems.whole("", RoutesBinder.noRoutes(null));
            return null;
        }
        TagCheck.check(root, problems);
        YamlMapping m = YamlMapping.read(root, "", values, ROOT,
                "listeners: [...], upstreams: {...}, routes: [...]");
        if (m == null) {
            return null;
        }
        List<ListenerConfig> listeners = listeners(m.value("listeners"));
        AdminConfig admin = admin(m.value("admin"));
        UpstreamsBinder.Bound upstreams = new UpstreamsBinder(values, files, ruleInputs).bind(m.value("upstreams"));
        ruleInputs.upstreamNames(upstreams.names());
        List<RouteConfig> routes = null;
        if (m.value("routes") == null) {
            ruleInputs.routePath(null); // "no routes" says enough: fault routes go unchecked
            problems.at(m.keyNode("routes") == null ? root : m.keyNode("routes"), "routes",
                    RoutesBinder.noRoutes(upstreams.names()));
        } else {
            routes = new RoutesBinder(values, upstreams.names(), ruleInputs).bind(m.value("routes"));
        }
        LimitsConfig limits = limits(m.value("limits"));
        int beforeTrusted = problems.count();
        List<Cidr> trusted = trustedProxies(m.value("trusted-proxies"));
        ruleInputs.trustedProxies(problems.addedSince(beforeTrusted) ? null : trusted);
        AccessLogConfig accessLog = accessLog(m.value("access-log"));
        Shutdown shutdown = shutdown(m.value("shutdown"));
        List<FaultConfig> faults = m.value("faults") == null ? List.of()
                : new FaultsBinder(values, ruleInputs).bind(m.value("faults"));
        RecordingConfig recording = recording(m.value("recording"));
        if (problems.any()) {
            return null;
        }
        return new SluiceConfig(source, listeners, admin, upstreams.byName(), routes, limits, trusted,
                accessLog, shutdown.acceptGrace(), shutdown.drainTimeout(), faults, recording, hash,
                shutdown.drainTimeoutSet());
    }

    /** Every value the rules that span values compare, as far as the tree could be read. */
    ConfigRules.Inputs ruleInputs() {
        return ruleInputs;
    }

    private List<ListenerConfig> listeners(Node node) {
        if (node == null) {
            return List.of(ListenerConfig.DEFAULT);
        }
        List<Node> items = values.list(node, "listeners", "listeners: [ { address: 127.0.0.1:8080 } ]");
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            problems.at(node, "listeners", "empty (add one, e.g. - address: 0.0.0.0:8080,"
                    + " or remove listeners for the default 127.0.0.1:8080)");
            return null;
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = Paths.index("listeners", i);
            YamlMapping m = YamlMapping.read(items.get(i), path, values, LISTENER, "- address: 127.0.0.1:8080");
            HostPort address = m == null ? null : address(m);
            if (address == null) {
                continue;
            }
            Boolean proxyProtocol = m.bool("proxy-protocol", false);
            ruleInputs.listener(i, address, m.value("address"));
            int before = problems.count();
            TlsConfig tls = m.value("tls") == null ? null : tls(m.value("tls"), m.path("tls"));
            Http2Config http2 = http2(m.value("http2"), m.path("http2"));
            Http2Config first = listeners.stream().map(ListenerConfig::http2).filter(h -> h != null).findFirst().orElse(null);
            if (http2 != null && first != null && !http2.equals(first)) {
                problems.at(m.value("http2"), m.path("http2"), "max-concurrent-streams " + http2.maxConcurrentStreams()
                        + " differs from the " + first.maxConcurrentStreams() + " of an earlier listener:"
                        + " one value holds for every listener (Undertow takes one)");
            }
            Duration hsts = m.value("hsts") == null ? null
                    : values.duration(m.value("hsts"), m.path("hsts"), Duration.ZERO, ListenerConfig.MAX_HSTS);
            if (m.value("hsts") != null && m.value("tls") == null) {
                problems.at(m.keyNode("hsts"), m.path("hsts"), "hsts is for a TLS listener, and this one has no tls"
                        + " (a browser ignores Strict-Transport-Security over plain HTTP; to send browsers to HTTPS"
                        + " use redirect-to-https: 443 here)");
            }
            Integer redirect = m.value("redirect-to-https") == null ? null
                    : values.integer(m.value("redirect-to-https"), m.path("redirect-to-https"), 1, 65535);
            if (m.value("redirect-to-https") != null && m.value("tls") != null) {
                problems.at(m.keyNode("redirect-to-https"), m.path("redirect-to-https"), "redirect-to-https is for a"
                        + " plain listener, and this one has tls (it would redirect HTTPS to itself): put it on a plain"
                        + " listener, e.g. - { address: 0.0.0.0:80, redirect-to-https: 443 }");
            }
            if (proxyProtocol == null || problems.addedSince(before)) {
                continue;
            }
            if (proxyProtocol) {
                ruleInputs.proxyProtocolListener(i, m.value("proxy-protocol"));
            }
            listeners.add(new ListenerConfig(address, tls, http2, proxyProtocol, hsts, redirect));
        }
        return listeners;
    }

    /** {@code http2: true | false | { max-concurrent-streams: N }}; null when off. */
    private Http2Config http2(Node node, String path) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode)) {
            Boolean on = values.bool(node, path);
            return on != null && on ? Http2Config.DEFAULTS : null;
        }
        YamlMapping m = YamlMapping.read(node, path, values, HTTP2, "http2: { max-concurrent-streams: 100 }");
        if (m == null) {
            return null;
        }
        Integer streams = m.value("max-concurrent-streams") == null ? Integer.valueOf(Http2Config.DEFAULT_MAX_CONCURRENT_STREAMS)
                : values.integer(m.value("max-concurrent-streams"), m.path("max-concurrent-streams"), 1, 100_000);
        return streams == null ? null : new Http2Config(streams);
    }

    /** One entry ({@code tls: {...}}) or several chosen by SNI ({@code tls: [ {...}, {...} ]}, the first the default). */
    private TlsConfig tls(Node node, String path) {
        List<Node> items;
        boolean list = node instanceof org.yaml.snakeyaml.nodes.SequenceNode;
        if (list) {
            items = values.list(node, path, "tls: [ { certificate: a.pem, private-key: a.key } ]");
            if (items.isEmpty()) {
                problems.at(node, path, "empty (give at least one certificate, e.g. " + TLS_EXAMPLE + ")");
                return null;
            }
        } else {
            items = List.of(node);
        }
        int before = problems.count();
        List<TlsConfig.Certificate> certificates = new ArrayList<>();
        List<String> protocols = TlsConfig.DEFAULT_PROTOCOLS;
        List<String> ciphers = TlsConfig.DEFAULT_CIPHERS;
        for (int i = 0; i < items.size(); i++) {
            String itemPath = list ? Paths.index(path, i) : path;
            YamlMapping m = YamlMapping.read(items.get(i), itemPath, values, TLS, TLS_EXAMPLE);
            if (m == null) {
                continue;
            }
            TlsConfig.Certificate certificate = certificate(m);
            if (certificate != null) {
                certificates.add(certificate);
            }
            for (String key : List.of("protocols", "ciphers")) {
                if (i > 0 && m.value(key) != null) {
                    problems.at(m.keyNode(key), m.path(key), key + " is the listener's, not one certificate's (set it on"
                            + " the first entry, " + Paths.index(path, 0) + ")");
                }
            }
            if (i == 0) {
                protocols = names(m, "protocols", protocols, "protocols: [TLSv1.3, TLSv1.2]");
                ciphers = names(m, "ciphers", ciphers, "ciphers: [TLS_AES_128_GCM_SHA256, ...]");
            }
        }
        if (problems.addedSince(before) || protocols == null || ciphers == null) {
            return null;
        }
        try {
            return new TlsConfig(certificates, protocols, ciphers);
        } catch (IllegalArgumentException e) {
            problems.at(node, path, e.getMessage());
            return null;
        }
    }

    private TlsConfig.Certificate certificate(YamlMapping m) {
        boolean pem = m.value("certificate") != null || m.value("private-key") != null || m.value("passphrase") != null;
        boolean keystore = m.value("keystore") != null || m.value("password") != null;
        if (pem && keystore) {
            problems.at(m.node(), m.path(), "give PEM files (certificate, private-key, passphrase) or a PKCS#12"
                    + " keystore (keystore, password), not both");
            return null;
        }
        if (keystore) {
            Path file = files.required(m, "keystore", "keystore: conf/tls/server.p12");
            String password = m.value("password") == null ? null : values.text(m.value("password"), m.path("password"));
            if (file == null) {
                return null;
            }
            if (m.value("password") == null) {
                m.missing("password", "password: \"${KEYSTORE_PASSWORD}\"");
                return null;
            }
            return password == null ? null : TlsConfig.Certificate.pkcs12(file, password);
        }
        Path certificate = files.required(m, "certificate", "certificate: conf/tls/cert.pem");
        Path key = files.required(m, "private-key", "private-key: conf/tls/key.pem");
        String passphrase = m.value("passphrase") == null ? null : values.text(m.value("passphrase"), m.path("passphrase"));
        if (certificate == null || key == null || m.value("passphrase") != null && passphrase == null) {
            return null;
        }
        return TlsConfig.Certificate.pem(certificate, key, passphrase);
    }

    /** A list of names ({@code protocols}, {@code ciphers}), each once. */
    private List<String> names(YamlMapping m, String key, List<String> otherwise, String example) {
        if (m.value(key) == null) {
            return otherwise;
        }
        List<Node> items = values.list(m.value(key), m.path(key), example);
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            problems.at(m.value(key), m.path(key), "empty (leave " + key + " out for the default: "
                    + String.join(", ", otherwise) + ")");
            return null;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String itemPath = Paths.index(m.path(key), i);
            String name = values.parse(items.get(i), itemPath, text -> {
                if (key.equals("protocols") && !TlsConfig.KNOWN_PROTOCOLS.contains(text)) {
                    throw new IllegalArgumentException("unknown protocol '" + text + "' ("
                            + Suggestions.didYouMean(text, TlsConfig.KNOWN_PROTOCOLS) + "known: "
                            + String.join(", ", TlsConfig.KNOWN_PROTOCOLS) + ")");
                }
                if (!text.matches("[A-Za-z0-9_.]+")) {
                    throw new IllegalArgumentException("'" + text + "' is not a cipher suite name (write JSSE names,"
                            + " e.g. TLS_AES_128_GCM_SHA256)");
                }
                return text;
            });
            if (name == null) {
                return null;
            }
            if (names.contains(name)) {
                problems.at(items.get(i), itemPath, "'" + name + "' is listed twice (list each once)");
                return null;
            }
            names.add(name);
        }
        return names;
    }

    private HostPort address(YamlMapping m) {
        if (m.value("address") == null) {
            m.missing("address", "address: 127.0.0.1:8080");
            return null;
        }
        return values.parse(m.value("address"), m.path("address"), Addresses::hostPort);
    }

    /** No {@code recording}: nothing recorded; {@code recording: {}}: metadata only, the default budget. */
    private RecordingConfig recording(Node node) {
        if (node == null) {
            return null;
        }
        YamlMapping m = YamlMapping.read(node, "recording", values, RECORDING,
                "recording: { payloads: 256B, budget: 16MiB }");
        if (m == null) {
            return null;
        }
        RecordingConfig d = RecordingConfig.METADATA;
        int before = problems.count();
        Long payloads = m.size("payloads", d.payloadBytes(), 0, RecordingConfig.MAX_PAYLOAD_BYTES);
        Long budget = m.size("budget", d.budgetBytes(), RecordingConfig.MIN_BUDGET, RecordingConfig.MAX_BUDGET);
        Boolean keepSecrets = m.bool("keep-secrets", d.keepSecrets());
        if (problems.addedSince(before)) {
            return null;
        }
        try {
            return new RecordingConfig(payloads.intValue(), budget, keepSecrets);
        } catch (IllegalArgumentException e) {
            // each value was checked where it was read: what is left spans them (a budget too small for the payloads)
            problems.at(m.value("budget") != null ? m.value("budget") : m.node(),
                    m.value("budget") != null ? m.path("budget") : m.path(), e.getMessage());
            return null;
        }
    }

    /** No {@code admin} (or one left empty, all its keys commented out): no admin listener. */
    private AdminConfig admin(Node node) {
        if (node == null) {
            return null;
        }
        YamlMapping m = YamlMapping.read(node, "admin", values, ADMIN, "admin: { address: 127.0.0.1:9901 }");
        if (m == null) {
            return null;
        }
        HostPort address = AdminConfig.DEFAULT_ADDRESS;
        if (m.value("address") == null) {
            ruleInputs.admin(address, m.node());
        } else {
            address = values.parse(m.value("address"), m.path("address"), Addresses::hostPort);
            if (address == null) {
                return null;
            }
            ruleInputs.admin(address, m.value("address"));
        }
        List<String> hosts = new ArrayList<>();
        if (m.value("allowed-hosts") != null) {
            List<Node> items = values.list(m.value("allowed-hosts"), m.path("allowed-hosts"),
                    "allowed-hosts: [ localhost, admin.example.com ]");
            if (items == null) {
                return null;
            }
            for (int i = 0; i < items.size(); i++) {
                String host = values.parse(items.get(i), Paths.index(m.path("allowed-hosts"), i), Addresses::hostName);
                if (host != null && !hosts.contains(host)) {
                    hosts.add(host);
                }
            }
        }
        String token = m.value("token") == null ? null : values.text(m.value("token"), m.path("token"));
        Boolean faults = m.value("faults") == null ? null : values.bool(m.value("faults"), m.path("faults"));
        return new AdminConfig(address, hosts, token, faults);
    }

    private LimitsConfig limits(Node node) {
        LimitsConfig d = LimitsConfig.DEFAULTS;
        if (node == null) {
            return d;
        }
        YamlMapping m = YamlMapping.read(node, "limits", values, LIMITS, "limits: { max-tunnels: 50000 }");
        if (m == null) {
            return null;
        }
        int before = problems.count();
        Long header = m.size("max-request-header-size", d.maxRequestHeaderSize(), 1024, 1L << 20);
        Long body = m.size("max-request-body-size", d.maxRequestBodySize(), 1, Long.MAX_VALUE);
        Integer tunnels = m.integer("max-tunnels", d.maxTunnels(), 1, Integer.MAX_VALUE);
        Integer perClient = m.integer("max-tunnels-per-client", d.maxTunnelsPerClient(), 0, Integer.MAX_VALUE);
        Duration headerTimeout = m.duration("request-header-timeout", d.requestHeaderTimeout(),
                Duration.ofMillis(1), CLIENT_TIMEOUT);
        // 0 = never buffer; above max-request-body-size it simply buffers every allowed body
        Long bodyBuffer = m.size("request-body-buffer", d.requestBodyBuffer(), 0, MAX_BODY_BUFFER);
        // as nginx's client_body_timeout and send_timeout: no "off", at least 1ms
        Duration bodyTimeout = m.duration("request-body-timeout", d.requestBodyTimeout(),
                Duration.ofMillis(1), CLIENT_TIMEOUT);
        Duration sendTimeout = m.duration("send-timeout", d.sendTimeout(), Duration.ofMillis(1), CLIENT_TIMEOUT);
        if (problems.addedSince(before)) {
            return null;
        }
        return new LimitsConfig(header, body, tunnels, perClient, headerTimeout, bodyBuffer, bodyTimeout, sendTimeout);
    }

    private List<Cidr> trustedProxies(Node node) {
        if (node == null) {
            return List.of();
        }
        List<Node> items = values.list(node, "trusted-proxies", "trusted-proxies: [ 127.0.0.1, 10.0.0.0/8 ]");
        if (items == null) {
            return null;
        }
        List<Cidr> cidrs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Cidr cidr = values.parse(items.get(i), Paths.index("trusted-proxies", i), Addresses::cidr);
            if (cidr != null) {
                cidrs.add(cidr);
            }
        }
        return cidrs;
    }

    /** {@code access-log: stdout | off | PATH} or {@code { file: PATH | stdout, format: combined | json }}. */
    private AccessLogConfig accessLog(Node node) {
        if (node == null) {
            return AccessLogConfig.STDOUT;
        }
        if (!(node instanceof MappingNode)) {
            return values.parse(node, "access-log", this::accessLogTarget);
        }
        YamlMapping m = YamlMapping.read(node, "access-log", values, ACCESS_LOG, "access-log: { file: logs/access.log, format: json }");
        if (m == null) {
            return null;
        }
        AccessLogConfig target = m.value("file") == null ? AccessLogConfig.STDOUT
                : values.parse(m.value("file"), m.path("file"), this::accessLogTarget);
        AccessLogConfig.Format format = m.value("format") == null ? AccessLogConfig.Format.COMBINED
                : values.parse(m.value("format"), m.path("format"), ConfigBinder::accessLogFormat);
        if (target == null || format == null) {
            return null;
        }
        if (target.target() == AccessLogConfig.Target.OFF) {
            problems.at(m.value("file"), m.path("file"), "off is not a file (write access-log: off to turn it off)");
            return null;
        }
        return new AccessLogConfig(target.target(), target.file(), format);
    }

    private static AccessLogConfig.Format accessLogFormat(String text) {
        for (AccessLogConfig.Format f : AccessLogConfig.Format.values()) {
            if (f.yamlName().equals(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + text + "' (use combined or json)");
    }

    /** stdout, off, or a file path, a relative one against the home (the distribution's, for bin/sluice). */
    private AccessLogConfig accessLogTarget(String text) {
        switch (text) {
            case "stdout":
                return AccessLogConfig.STDOUT;
            case "off":
                return AccessLogConfig.OFF;
            case "", "false", "no", "none":
                throw new IllegalArgumentException("'" + text + "' is not an access log (write off to turn it off)");
            default:
                try {
                    return new AccessLogConfig(AccessLogConfig.Target.FILE, files.resolve(Path.of(text)));
                } catch (InvalidPathException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a file path (" + e.getReason()
                            + "; write stdout, off or a file path)");
                }
        }
    }

    /** @param drainTimeoutSet whether the file says {@code drain-timeout} */
    private record Shutdown(Duration acceptGrace, Duration drainTimeout, boolean drainTimeoutSet) {
    }

    private Shutdown shutdown(Node node) {
        if (node == null) {
            return new Shutdown(SluiceConfig.DEFAULT_ACCEPT_GRACE, SluiceConfig.DEFAULT_DRAIN_TIMEOUT, false);
        }
        YamlMapping m = YamlMapping.read(node, "shutdown", values, SHUTDOWN,
                "shutdown: { accept-grace: 0s, drain-timeout: 30s }");
        if (m == null) {
            return null;
        }
        return new Shutdown(
                m.duration("accept-grace", SluiceConfig.DEFAULT_ACCEPT_GRACE, Duration.ZERO, MAX_TIMEOUT),
                m.duration("drain-timeout", SluiceConfig.DEFAULT_DRAIN_TIMEOUT, Duration.ZERO, MAX_TIMEOUT),
                m.value("drain-timeout") != null);
    }
}
