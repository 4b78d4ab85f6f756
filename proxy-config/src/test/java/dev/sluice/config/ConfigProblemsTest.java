package dev.sluice.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of bad input gives one exact {@code file:line:column: key: message}, all of them in file order. */
class ConfigProblemsTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/sluice");

    /** The problems of a bad file, one per line, exactly as the command line prints them. */
    private static String problems(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml", ENV));
        return e.problems().stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }

    private static void assertProblems(String yaml, String... expected) {
        assertEquals(String.join("\n", expected), problems(yaml));
    }

    @Test
    void unknownKeySuggestsTheCloseOneAndListsWhatIsAllowed() {
        // one typo: did-you-mean plus the allowed keys; the misspelt required key is not reported twice
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes:
                  - match: { path: / }
                    upstrem: demo
                    stripPrefix: true
                colour: red
                """,
                "t.yaml:4:5: routes[0].upstrem: unknown key 'upstrem' (did you mean 'upstream'? "
                        + "allowed here: match, upstream, strip-prefix, rewrite-cookie-path, websocket)",
                "t.yaml:5:5: routes[0].stripPrefix: unknown key 'stripPrefix' (did you mean 'strip-prefix'? "
                        + "allowed here: match, upstream, strip-prefix, rewrite-cookie-path, websocket)",
                "t.yaml:6:1: colour: unknown key 'colour' (allowed here: listeners, admin, upstreams, routes, "
                        + "limits, trusted-proxies, access-log, shutdown, faults, recording)");
    }

    @Test
    void badRecordingValuesSayWhatIsWrong() {
        // a size in the wrong unit, a budget below the least, a non-boolean, a misspelt key
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                recording:
                  budget: 16MB
                  keep-secrets: yes
                  keep-secret: true
                """,
                "t.yaml:4:11: recording.budget: '16MB' has an unknown unit 'MB' (did you mean 16MiB? "
                        + "write a whole number and a unit: 512B, 16KiB, 10MiB or 1GiB)",
                "t.yaml:5:17: recording.keep-secrets: expected true or false, got 'yes'",
                "t.yaml:6:3: recording.keep-secret: unknown key 'keep-secret' (did you mean 'keep-secrets'? "
                        + "allowed here: payloads, budget, keep-secrets)");
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                recording: { budget: 1KiB }
                """,
                "t.yaml:3:22: recording.budget: 1KiB is too small (at least 64KiB)");
    }

    @Test
    void aBudgetTooSmallForThePayloadsSaysHowMuchItNeeds() {
        // each value is fine alone; together the budget holds fewer than 16 whole payloads
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                recording: { payloads: 1MiB, budget: 4MiB }
                """,
                "t.yaml:3:38: recording.budget: budget 4MiB holds fewer than 16 messages of payloads 1MiB "
                        + "(make it at least 16MiB, or keep less of each payload)");
    }

    @Test
    void wrongTypesSayWhatWasExpected() {
        // a scalar where a list or mapping belongs, a non-boolean, a non-number
        assertProblems("""
                listeners: 127.0.0.1:8080
                upstreams: { demo: { builtin: echo, max-connections-per-server: lots } }
                routes:
                  - match: { path: / }
                    upstream: demo
                    strip-prefix: yes
                    websocket: false
                limits: { max-tunnels: 99999999999 }
                """,
                "t.yaml:1:12: listeners: expected a list, got '127.0.0.1:8080' "
                        + "(e.g. listeners: [ { address: 127.0.0.1:8080 } ])",
                "t.yaml:2:65: upstreams.demo.max-connections-per-server: expected a whole number, got 'lots'",
                "t.yaml:6:19: routes[0].strip-prefix: expected true or false, got 'yes'",
                "t.yaml:7:16: routes[0].websocket: expected a mapping, got 'false' "
                        + "(e.g. websocket: { enabled: false })",
                "t.yaml:8:24: limits.max-tunnels: 99999999999 is out of range (1..2147483647)");
    }

    @Test
    void badDurationsSayHowToWriteOne() {
        // no unit, a fraction, an unknown unit, zero, too long
        assertProblems("""
                upstreams: { demo: { builtin: echo, connect-timeout: 5 } }
                routes:
                  - match: { path: / }
                    upstream: demo
                    websocket:
                      idle-timeout: 1.5h
                      half-close-timeout: 0s
                  - match: { path: /b/ }
                    upstream: demo
                    websocket: { idle-timeout: 2w, half-close-timeout: 200h }
                """,
                "t.yaml:1:54: upstreams.demo.connect-timeout: '5' has no unit (write e.g. 5s or 5ms)",
                "t.yaml:6:21: routes[0].websocket.idle-timeout: '1.5h' is not a duration "
                        + "(write a whole number and a unit: 250ms, 5s, 2m or 1h)",
                "t.yaml:7:27: routes[0].websocket.half-close-timeout: 0s is too short (at least 1ms)",
                "t.yaml:10:32: routes[1].websocket.idle-timeout: '2w' has an unknown unit 'w' "
                        + "(write a whole number and a unit: 250ms, 5s, 2m or 1h)",
                "t.yaml:10:56: routes[1].websocket.half-close-timeout: 200h is too long (at most 168h)");
    }

    @Test
    void badSizesSayHowToWriteOne() {
        // decimal units get the binary one suggested; out-of-range sizes name the limit
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                limits:
                  max-request-body-size: 10MB
                  max-request-header-size: 2MiB
                shutdown: { drain-timeout: -1s }
                """,
                "t.yaml:4:26: limits.max-request-body-size: '10MB' has an unknown unit 'MB' (did you mean 10MiB? "
                        + "write a whole number and a unit: 512B, 16KiB, 10MiB or 1GiB)",
                "t.yaml:5:28: limits.max-request-header-size: 2MiB is too large (at most 1MiB)",
                "t.yaml:6:28: shutdown.drain-timeout: '-1s' is not a duration "
                        + "(write a whole number and a unit: 250ms, 5s, 2m or 1h)");
    }

    @Test
    void badBodyAndSendLimitsArePlaced() {
        // each new limits key with a bad value: a negative count, a decimal unit, a zero and an
        // over-long timeout (no "off", as in nginx), a buffer over 1GiB, a duration without unit
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                limits:
                  max-tunnels-per-client: -1
                  request-body-buffer: 64KB
                  request-body-timeout: 0s
                  send-timeout: 2h
                """,
                "t.yaml:4:27: limits.max-tunnels-per-client: expected a whole number, got '-1'",
                "t.yaml:5:24: limits.request-body-buffer: '64KB' has an unknown unit 'KB' (did you mean 64KiB? "
                        + "write a whole number and a unit: 512B, 16KiB, 10MiB or 1GiB)",
                "t.yaml:6:25: limits.request-body-timeout: 0s is too short (at least 1ms)",
                "t.yaml:7:17: limits.send-timeout: 2h is too long (at most 1h)");
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                limits: { request-body-buffer: 2GiB, request-body-timeout: 60, send-timeout: 0ms }
                """,
                "t.yaml:3:32: limits.request-body-buffer: 2GiB is too large (at most 1GiB)",
                "t.yaml:3:60: limits.request-body-timeout: '60' has no unit (write e.g. 60s or 60ms)",
                "t.yaml:3:78: limits.send-timeout: 0ms is too short (at least 1ms)");
    }

    @Test
    void badListenAddressesSayWhatIsWrong() {
        // no colon, no host, unbracketed IPv6, port out of range, bad IPv4, duplicate
        assertProblems("""
                listeners:
                  - address: 8080
                  - address: :8080
                  - address: ::1:8080
                  - address: 127.0.0.1:70000
                  - address: 300.1.1.1:80
                  - address: 127.0.0.1:9000
                  - address: 127.0.0.1:9000
                  - {}
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """,
                "t.yaml:2:14: listeners[0].address: '8080' is not host:port "
                        + "(write host:port, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080)",
                "t.yaml:3:14: listeners[1].address: ':8080' has no host "
                        + "(write 0.0.0.0:8080 for every interface, or 127.0.0.1:8080 for this machine only)",
                "t.yaml:4:14: listeners[2].address: '::1:8080': an IPv6 address needs brackets (e.g. [::1]:8080)",
                "t.yaml:5:14: listeners[3].address: '127.0.0.1:70000' has a bad port '70000' "
                        + "(a port is 0..65535; 0 = any free port)",
                "t.yaml:6:14: listeners[4].address: '300.1.1.1' is not an IPv4 address "
                        + "(four numbers 0..255, e.g. 10.0.0.1)",
                "t.yaml:8:14: listeners[6].address: same address as listeners[5] "
                        + "(127.0.0.1:9000; list each address once)",
                "t.yaml:9:5: listeners[7].address: missing (e.g. address: 127.0.0.1:8080)");
    }

    @Test
    void badAdminAddressesSayWhatIsWrong() {
        // admin.address is parsed as listeners[].address is; admin is a mapping with address only
        String rest = """
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """;
        assertProblems("admin: { address: 9901 }\n" + rest,
                "t.yaml:1:19: admin.address: '9901' is not host:port "
                        + "(write host:port, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080)");
        assertProblems("admin: { address: \"[::1]:99999\" }\n" + rest,
                "t.yaml:1:19: admin.address: '[::1]:99999' has a bad port '99999' "
                        + "(a port is 0..65535; 0 = any free port)");
        assertProblems("admin: 127.0.0.1:9901\n" + rest,
                "t.yaml:1:8: admin: expected a mapping, got '127.0.0.1:9901' "
                        + "(e.g. admin: { address: 127.0.0.1:9901 })");
        assertProblems("admin: { adress: 127.0.0.1:9901 }\n" + rest,
                "t.yaml:1:10: admin.adress: unknown key 'adress' (did you mean 'address'? allowed here: address,"
                        + " allowed-hosts, token, faults)");
        assertProblems("admin: { allowed-hosts: [ localhost, \"admin.example:9901\", \"a b\" ] }\n" + rest,
                "t.yaml:1:38: admin.allowed-hosts[1]: 'admin.example:9901' is a host with a port or not a host: write"
                        + " the name alone (admin.example.com, 10.0.0.5, [::1]); any port is accepted",
                "t.yaml:1:60: admin.allowed-hosts[2]: 'a b' is not a host name or IP address");
    }

    @Test
    void adminOnAListenersAddressIsRefused() {
        // the admin listener cannot share a client listener's address, written or by default
        assertProblems("""
                listeners:
                  - address: 127.0.0.1:8080
                  - address: 0.0.0.0:9901
                admin: { address: 0.0.0.0:9901 }
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """,
                "t.yaml:4:19: admin.address: same address as listeners[1] (0.0.0.0:9901; the admin listener "
                        + "needs an address of its own, e.g. 127.0.0.1:9901)");
        assertProblems("""
                listeners: [ { address: 127.0.0.1:9901 } ]
                admin: {}
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """,
                "t.yaml:2:8: admin.address: same address as listeners[0] (127.0.0.1:9901; the admin listener "
                        + "needs an address of its own, e.g. 127.0.0.1:9901)");
    }

    @Test
    void badAcceptGraceSaysHowToWriteOne() {
        // accept-grace is a duration from 0s up to drain-timeout's maximum, 7 days
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                shutdown: { accept-grace: 200h, drain-timeout: 5 }
                """,
                "t.yaml:3:27: shutdown.accept-grace: 200h is too long (at most 168h)",
                "t.yaml:3:48: shutdown.drain-timeout: '5' has no unit (write e.g. 5s or 5ms)");
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                shutdown: { accept-grace: 1.5s, acept-grace: 1s }
                """,
                "t.yaml:3:27: shutdown.accept-grace: '1.5s' is not a duration "
                        + "(write a whole number and a unit: 250ms, 5s, 2m or 1h)",
                "t.yaml:3:33: shutdown.acept-grace: unknown key 'acept-grace' (did you mean 'accept-grace'? "
                        + "allowed here: accept-grace, drain-timeout)");
    }

    @Test
    void crossFieldProblemsAreReportedWithEveryOtherProblem() {
        // the rules that span values see what could be read, so a broken value elsewhere hides none of
        // their problems: a route's unknown upstream beside its bad strip-prefix, a duplicate match
        // beside a broken route, a listener twice beside a bad one, the admin clash beside a bad limit
        assertProblems("""
                listeners:
                  - address: 127.0.0.1:8080
                  - address: localhost
                  - address: 127.0.0.1:8080
                admin: { address: 127.0.0.1:8080 }
                upstreams: { demo: { builtin: echo } }
                routes:
                  - { match: { path: /a/ }, upstream: demo, strip-prefix: maybe }
                  - { match: { path: /b/ }, upstream: dmeo, strip-prefix: maybe }
                  - { match: { path: /a/ }, upstream: demo, websocket: { max-tunnels: 0 } }
                limits: { max-tunnels: 0 }
                """,
                "t.yaml:3:14: listeners[1].address: 'localhost' is not host:port "
                        + "(write host:port, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080)",
                "t.yaml:4:14: listeners[2].address: same address as listeners[0] "
                        + "(127.0.0.1:8080; list each address once)",
                "t.yaml:5:19: admin.address: same address as listeners[0] (127.0.0.1:8080; the admin listener "
                        + "needs an address of its own, e.g. 127.0.0.1:9901)",
                "t.yaml:8:59: routes[0].strip-prefix: expected true or false, got 'maybe'",
                "t.yaml:9:39: routes[1].upstream: unknown upstream 'dmeo' (did you mean 'demo'? known: demo)",
                "t.yaml:9:59: routes[1].strip-prefix: expected true or false, got 'maybe'",
                "t.yaml:10:14: routes[2].match: same match as routes[0] (host any, path /a/; change or remove one)",
                "t.yaml:10:71: routes[2].websocket.max-tunnels: 0 is out of range (1..2147483647)",
                "t.yaml:11:24: limits.max-tunnels: 0 is out of range (1..2147483647)");
    }

    @Test
    void badUpstreamUrlsSayToUseHttpOrHttps() {
        // https with a path, ws, another scheme, no scheme, a path, user info; duplicate url and route in one upstream
        assertProblems("""
                upstreams:
                  app:
                    servers:
                      - url: https://127.0.0.1:8443/app
                      - url: ws://127.0.0.1:8081
                      - url: ftp://127.0.0.1
                      - url: 127.0.0.1:8081
                      - url: http://127.0.0.1:8081/app
                      - url: http://me@127.0.0.1:8081
                      - { url: http://127.0.0.1:80, route: a }
                      - { url: http://127.0.0.1/, route: a }
                routes: [ { match: { path: / }, upstream: app } ]
                """,
                "t.yaml:4:14: upstreams.app.servers[0].url: 'https://127.0.0.1:8443/app': an upstream URL has no "
                        + "path, query or fragment (write https://127.0.0.1:8443; use strip-prefix on the route "
                        + "to change paths)",
                "t.yaml:5:14: upstreams.app.servers[1].url: 'ws://127.0.0.1:8081': upstream URLs are http:// or "
                        + "https:// (WebSocket is detected per request: write http://host:port or https://host:port, "
                        + "e.g. http://127.0.0.1:8081)",
                "t.yaml:6:14: upstreams.app.servers[2].url: 'ftp://127.0.0.1' has an unsupported scheme 'ftp' "
                        + "(write http://host:port or https://host:port, e.g. http://127.0.0.1:8081)",
                "t.yaml:7:14: upstreams.app.servers[3].url: '127.0.0.1:8081' is not a URL "
                        + "(write http://host:port or https://host:port, e.g. http://127.0.0.1:8081)",
                "t.yaml:8:14: upstreams.app.servers[4].url: 'http://127.0.0.1:8081/app': an upstream URL has no "
                        + "path, query or fragment (write http://127.0.0.1:8081; use strip-prefix on the route "
                        + "to change paths)",
                "t.yaml:9:14: upstreams.app.servers[5].url: 'http://me@127.0.0.1:8081': user info is not allowed "
                        + "in an upstream URL",
                "t.yaml:11:16: upstreams.app.servers[7].url: same server as upstreams.app.servers[6] "
                        + "(http://127.0.0.1:80; list each server once)",
                "t.yaml:11:42: upstreams.app.servers[7].route: route 'a' is already used by "
                        + "upstreams.app.servers[6] (each server needs its own jvmRoute)");
    }

    @Test
    void upstreamNeedsExactlyOneOfServersAndBuiltin() {
        // neither, both, an unknown builtin, an empty server list, an empty upstream
        assertProblems("""
                upstreams:
                  none: { sticky-cookie: SID }
                  both: { builtin: echo, servers: [ { url: http://127.0.0.1:8081 } ] }
                  odd: { builtin: eco }
                  empty: { servers: [] }
                  blank:
                routes: [ { match: { path: / }, upstream: none } ]
                """,
                "t.yaml:2:9: upstreams.none: needs servers or builtin "
                        + "(e.g. servers: [ { url: http://127.0.0.1:8081 } ] or builtin: echo)",
                "t.yaml:3:11: upstreams.both.builtin: servers and builtin exclude each other (keep one)",
                "t.yaml:4:19: upstreams.odd.builtin: unknown builtin 'eco' (did you mean 'echo'? known: echo)",
                "t.yaml:5:21: upstreams.empty.servers: empty "
                        + "(add at least one server, e.g. - url: http://127.0.0.1:8081)",
                "t.yaml:6:3: upstreams.blank: empty upstream "
                        + "(give it servers or builtin, e.g. servers: [ { url: http://127.0.0.1:8081 } ])");
    }

    @Test
    void unknownUpstreamListsTheKnownOnes() {
        // a route naming an upstream that does not exist, with and without a close name;
        // a route naming an upstream that has its own problems is not reported again
        assertProblems("""
                upstreams:
                  app: { servers: [ { url: http://127.0.0.1:8081 } ] }
                  demo: { builtin: echo }
                  broken: { builtin: nope }
                routes:
                  - { match: { path: /a/ }, upstream: ap }
                  - { match: { path: /b/ }, upstream: broken }
                  - { match: { path: /c/ }, upstream: api }
                """,
                "t.yaml:4:22: upstreams.broken.builtin: unknown builtin 'nope' (known: echo)",
                "t.yaml:6:39: routes[0].upstream: unknown upstream 'ap' (did you mean 'app'? known: app, demo, broken)",
                "t.yaml:8:39: routes[2].upstream: unknown upstream 'api' (did you mean 'app'? "
                        + "known: app, demo, broken)");
    }

    @Test
    void unknownUpstreamWithoutAnyUpstreams() {
        // no upstreams at all: the message says where to add one
        assertProblems("""
                routes: [ { match: { path: / }, upstream: api } ]
                """,
                "t.yaml:1:43: routes[0].upstream: unknown upstream 'api' (no upstreams are defined: add one under "
                        + "upstreams, e.g. upstreams: { api: { servers: [ { url: http://127.0.0.1:8081 } ] } })");
    }

    @Test
    void briefExampleReadsAsDocumented() {
        // the example of DESIGN.md and STYLE.md, word for word
        assertProblems("""
                upstreams:
                  app: { servers: [ { url: http://127.0.0.1:8081 } ] }
                  demo: { builtin: echo }
                routes:
                  - match: { path: /a/ }
                    upstream: app
                  - match: { path: /b/ }
                    upstream: demo
                  - match: { path: /c/ }
                    upstream: api
                """,
                "t.yaml:10:15: routes[2].upstream: unknown upstream 'api' (did you mean 'app'? known: app, demo)");
    }

    @Test
    void duplicateKeysArePlacedAtTheSecondOne() {
        // SnakeYAML's duplicate-key exception becomes a positioned problem, in any mapping
        assertProblems("""
                upstreams:
                  demo: { builtin: echo }
                  demo: { builtin: echo }
                routes:
                  - match: { path: /, path: /x }
                    upstream: demo
                routes: []
                """,
                "t.yaml:3:3: upstreams.demo: duplicate key 'demo' (first at line 2; keep one)",
                "t.yaml:5:23: routes[0].match.path: duplicate key 'path' (first at line 5; keep one)",
                "t.yaml:7:1: routes: duplicate key 'routes' (first at line 4; keep one)");
    }

    @Test
    void duplicateRoutesAreReported() {
        // same host and path twice; host case and a missing host are compared as routing does
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes:
                  - { match: { path: /api/, host: example.com }, upstream: demo }
                  - { match: { path: /api/ }, upstream: demo }
                  - { match: { path: /api/, host: EXAMPLE.com }, upstream: demo }
                  - { match: { path: /api/ }, upstream: demo }
                """,
                "t.yaml:5:14: routes[2].match: same match as routes[0] "
                        + "(host example.com, path /api/; change or remove one)",
                "t.yaml:6:14: routes[3].match: same match as routes[1] (host any, path /api/; change or remove one)");
    }

    @Test
    void duplicateSubprotocolRoutesAreReported() {
        // host, path and subprotocol together make a match: chat twice is a duplicate, chat and Chat are not
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes:
                  - { match: { path: /chat/, subprotocol: chat }, upstream: demo }
                  - { match: { path: /chat/ }, upstream: demo }
                  - { match: { path: /chat/, subprotocol: Chat }, upstream: demo }
                  - { match: { path: /chat/, host: example.com, subprotocol: chat }, upstream: demo }
                  - { match: { subprotocol: chat, path: /chat/ }, upstream: demo }
                """,
                "t.yaml:7:14: routes[4].match: same match as routes[0] "
                        + "(host any, path /chat/, subprotocol chat; change or remove one)");
    }

    @Test
    void subprotocolIsOneHttpToken() {
        // Sec-WebSocket-Protocol elements are tokens: no spaces, commas, quotes or separators, not empty
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes:
                  - { match: { path: /a/, subprotocol: "chat room" }, upstream: demo }
                  - { match: { path: /b/, subprotocol: "chat, superchat" }, upstream: demo }
                  - { match: { path: /c/, subprotocol: '"chat"' }, upstream: demo }
                  - { match: { path: /d/, subprotocol: "chät" }, upstream: demo }
                  - { match: { path: /e/, subprotocol: [ chat ] }, upstream: demo }
                  - { match: { path: /f/, subprotocol: "" }, upstream: demo }
                  - { match: { path: /g/, subprotocol: "v1/json" }, upstream: demo }
                """,
                "t.yaml:3:40: routes[0].match.subprotocol: 'chat room' is not a subprotocol name " + TOKEN,
                "t.yaml:4:40: routes[1].match.subprotocol: 'chat, superchat' is one subprotocol per route "
                        + "(write a route for each: subprotocol: chat)",
                "t.yaml:5:40: routes[2].match.subprotocol: '\"chat\"' is not a subprotocol name " + TOKEN,
                "t.yaml:6:40: routes[3].match.subprotocol: 'chät' is not a subprotocol name " + TOKEN,
                "t.yaml:7:40: routes[4].match.subprotocol: expected a single value, got a list",
                "t.yaml:8:40: routes[5].match.subprotocol: '' is not a subprotocol name " + TOKEN,
                "t.yaml:9:40: routes[6].match.subprotocol: 'v1/json' is not a subprotocol name " + TOKEN);
    }

    private static final String TOKEN = "(one token as in Sec-WebSocket-Protocol: letters, digits and "
            + "!#$%&'*+-.^_`|~, no spaces, commas or quotes; e.g. chat or v2.stomp)";

    @Test
    void badMatchesSayWhatARouteMatches() {
        // path without '/', missing path, host with a port, wildcard host, missing match
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes:
                  - { match: { path: api/ }, upstream: demo }
                  - { match: { host: example.com }, upstream: demo }
                  - { match: { path: /, host: "example.com:8080" }, upstream: demo }
                  - { match: { path: /, host: "*.example.com" }, upstream: demo }
                  - { upstream: demo }
                """,
                "t.yaml:3:22: routes[0].match.path: 'api/' does not start with '/' (write '/api/')",
                "t.yaml:4:14: routes[1].match.path: missing (e.g. path: /)",
                "t.yaml:5:31: routes[2].match.host: 'example.com:8080': hosts match without the port "
                        + "(write 'example.com')",
                "t.yaml:6:31: routes[3].match.host: '*.example.com': wildcard hosts are not supported "
                        + "(write the exact host)",
                "t.yaml:7:5: routes[4].match: missing (e.g. match: { path: / })");
    }

    @Test
    void rewriteCookiePathIsRefusedOnARouteThatStripsNothing() throws ConfigException {
        // placed at the key, as hsts without tls; false is harmless anywhere, and a bad value is a boolean's problem
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes:
                  - match: { path: /static/ }
                    upstream: demo
                    rewrite-cookie-path: true
                  - match: { path: /a/ }
                    upstream: demo
                    strip-prefix: false
                    rewrite-cookie-path: true
                  - { match: { path: /b/ }, upstream: demo, rewrite-cookie-path: false }
                  - { match: { path: /c/ }, upstream: demo, strip-prefix: true, rewrite-cookie-path: sometimes }
                """,
                "t.yaml:5:5: routes[0].rewrite-cookie-path: rewrite-cookie-path puts a stripped prefix back on"
                        + " cookie paths, and this route strips none: the upstream's paths are already the client's"
                        + " (add strip-prefix: true, or remove rewrite-cookie-path)",
                "t.yaml:9:5: routes[1].rewrite-cookie-path: rewrite-cookie-path puts a stripped prefix back on"
                        + " cookie paths, and this route strips none: the upstream's paths are already the client's"
                        + " (add strip-prefix: true, or remove rewrite-cookie-path)",
                "t.yaml:11:86: routes[3].rewrite-cookie-path: expected true or false, got 'sometimes'");
        RouteConfig route = ConfigLoader.parse("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: /static/ }, upstream: demo, strip-prefix: true, rewrite-cookie-path: true } ]
                """, "t.yaml", ENV).routes().get(0);
        assertTrue(route.stripPrefix() && route.rewriteCookiePath());
        assertThrows(IllegalArgumentException.class, () -> new RouteConfig("/static/", null, "demo", false, true,
                WebSocketConfig.DEFAULTS, null), "the record refuses it too, for the builder");
    }

    @Test
    void badOriginsSayHowBrowsersSendThem() {
        // an origin has no path; '*' is spelled as an empty list
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes:
                  - match: { path: / }
                    upstream: demo
                    websocket:
                      allowed-origins: [ "https://example.com/", "*", "example.com" ]
                """,
                "t.yaml:6:26: routes[0].websocket.allowed-origins[0]: 'https://example.com/': an origin has no path "
                        + "(write 'https://example.com')",
                "t.yaml:6:50: routes[0].websocket.allowed-origins[1]: '*' is not an origin "
                        + "(leave allowed-origins empty to allow any)",
                "t.yaml:6:55: routes[0].websocket.allowed-origins[2]: 'example.com' is not an origin "
                        + "(write scheme://host[:port], e.g. https://example.com)");
    }

    @Test
    void trustedProxiesAreIpLiteralsNeverHostNames() {
        // host names are refused without any DNS lookup; host bits and prefixes are checked
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                trusted-proxies: [ localhost, 10.0.0.1/8, 10.0.0.0/33, "::ffff:10.0.0.1", 1.2.3 ]
                access-log: false
                """,
                "t.yaml:3:20: trusted-proxies[0]: 'localhost' is not an IP address "
                        + "(write e.g. 10.0.0.1 or ::1; host names are not allowed here)",
                "t.yaml:3:31: trusted-proxies[1]: '10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)",
                "t.yaml:3:43: trusted-proxies[2]: '10.0.0.0/33' has a bad prefix length '33' (0..32)",
                "t.yaml:3:56: trusted-proxies[3]: '::ffff:10.0.0.1' is an IPv4-mapped address "
                        + "(write it as 10.0.0.1)",
                "t.yaml:3:75: trusted-proxies[4]: '1.2.3' is not an IP address "
                        + "(write e.g. 10.0.0.1 or ::1; host names are not allowed here)",
                "t.yaml:4:13: access-log: 'false' is not an access log (write off to turn it off)");
    }

    @Test
    void badHttp2SettingsSayWhatIsWrong() {
        assertProblems("""
                listeners:
                  - address: 127.0.0.1:8080
                    http2: yes
                  - address: 127.0.0.1:8081
                    http2: { max-concurrent-streams: 0 }
                  - address: 127.0.0.1:8082
                    http2: { streams: 10 }
                  - address: 127.0.0.1:8083
                    http2: { max-concurrent-streams: 10 }
                  - address: 127.0.0.1:8084
                    http2: true
                upstreams: { app: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: app } ]
                """,
                "t.yaml:3:12: listeners[0].http2: expected true or false, got 'yes'",
                "t.yaml:5:38: listeners[1].http2.max-concurrent-streams: 0 is out of range (1..100000)",
                "t.yaml:7:14: listeners[2].http2.streams: unknown key 'streams' (allowed here: max-concurrent-streams)",
                "t.yaml:11:12: listeners[4].http2: max-concurrent-streams 100 differs from the 10 of an earlier"
                        + " listener: one value holds for every listener (Undertow takes one)");
    }

    @Test
    void badTlsSaysWhatIsWrongAtEachValue() {
        // both forms at once, a missing key file, an unknown protocol, a listener-wide key on a later
        // SNI entry, an empty list, an unknown key, a keystore without its password, an unset variable
        assertProblems("""
                listeners:
                  - address: 0.0.0.0:8443
                    tls: { certificate: a.pem, private-key: a.key, keystore: a.p12 }
                  - address: 0.0.0.0:8444
                    tls: { certificate: a.pem, protocols: [TLSv1.3, TLSv1.4] }
                  - address: 0.0.0.0:8445
                    tls:
                      - { certificate: a.pem, private-key: a.key, ciphers: [] }
                      - { certificate: b.pem, private-key: b.key, protocols: [TLSv1.2] }
                  - address: 0.0.0.0:8446
                    tls: []
                  - address: 0.0.0.0:8447
                    tls: { keystore: a.p12, pasword: x }
                  - address: 0.0.0.0:8448
                    tls: { certificate: a.pem, private-key: a.key, passphrase: "${KEY_PASS}" }
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """,
                "t.yaml:3:10: listeners[0].tls: give PEM files (certificate, private-key, passphrase) or a PKCS#12"
                        + " keystore (keystore, password), not both",
                "t.yaml:5:10: listeners[1].tls.private-key: missing (e.g. private-key: conf/tls/key.pem)",
                "t.yaml:5:53: listeners[1].tls.protocols[1]: unknown protocol 'TLSv1.4' ("
                        + "known: TLSv1.3, TLSv1.2, TLSv1.1, TLSv1)",
                "t.yaml:8:60: listeners[2].tls[0].ciphers: empty (leave ciphers out for the default: "
                        + String.join(", ", TlsConfig.DEFAULT_CIPHERS) + ")",
                "t.yaml:9:51: listeners[2].tls[1].protocols: protocols is the listener's, not one certificate's"
                        + " (set it on the first entry, listeners[2].tls[0])",
                "t.yaml:11:10: listeners[3].tls: empty (give at least one certificate, e.g. tls: { certificate:"
                        + " conf/tls/cert.pem, private-key: conf/tls/key.pem })",
                "t.yaml:13:29: listeners[4].tls.pasword: unknown key 'pasword' (did you mean 'password'? allowed"
                        + " here: certificate, private-key, passphrase, keystore, password, protocols, ciphers)",
                "t.yaml:15:64: listeners[5].tls.passphrase: environment variable KEY_PASS is not set (set it, or"
                        + " give a default: ${KEY_PASS:-value})");
    }

    @Test
    void hstsAndRedirectToHttpsAreEachOnTheirKindOfListener() {
        // hsts wants tls, redirect-to-https wants none; a bad duration or port is placed at its value
        assertProblems("""
                listeners:
                  - address: 0.0.0.0:8080
                    hsts: 365d
                  - address: 0.0.0.0:8443
                    tls: { keystore: x.p12, password: pw }
                    redirect-to-https: 443
                  - address: 0.0.0.0:8444
                    tls: { keystore: x.p12, password: pw }
                    hsts: 1y
                  - address: 0.0.0.0:8081
                    redirect-to-https: 70000
                  - address: 0.0.0.0:8082
                    redirect-to-https: https
                upstreams: { app: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: app } ]
                """,
                "t.yaml:3:5: listeners[0].hsts: hsts is for a TLS listener, and this one has no tls (a browser"
                        + " ignores Strict-Transport-Security over plain HTTP; to send browsers to HTTPS use"
                        + " redirect-to-https: 443 here)",
                "t.yaml:6:5: listeners[1].redirect-to-https: redirect-to-https is for a plain listener, and this one"
                        + " has tls (it would redirect HTTPS to itself): put it on a plain listener, e.g. - { address:"
                        + " 0.0.0.0:80, redirect-to-https: 443 }",
                "t.yaml:9:11: listeners[2].hsts: '1y' has an unknown unit 'y' (write a whole number and a unit:"
                        + " 250ms, 5s, 2m or 1h)",
                "t.yaml:11:24: listeners[3].redirect-to-https: 70000 is out of range (1..65535)",
                "t.yaml:13:24: listeners[4].redirect-to-https: expected a whole number, got 'https'");
    }

    @Test
    void proxyProtocolIsTakenWithH2AndH2c() throws Exception {
        // PROXY then TLS (and h2 by ALPN), and PROXY then h2c, are both served
        SluiceConfig config = ConfigLoader.parse("""
                listeners:
                  - address: 0.0.0.0:8443
                    tls: { keystore: x.p12, password: pw }
                    http2: true
                    proxy-protocol: true
                  - address: 0.0.0.0:8081
                    http2: true
                    proxy-protocol: true
                trusted-proxies: [ 10.0.0.0/8 ]
                upstreams: { app: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: app } ]
                """, "t.yaml", ENV);
        assertTrue(config.listeners().get(1).proxyProtocol());
        assertNotNull(config.listeners().get(1).http2());
    }

    @Test
    void proxyProtocolWithoutTrustedProxiesIsRefusedAtTheKey() {
        // nothing could ever connect to such a listener; a bad value is a boolean's problem
        assertProblems("""
                listeners:
                  - address: 0.0.0.0:8080
                  - address: 0.0.0.0:8081
                    proxy-protocol: true
                  - address: 0.0.0.0:8082
                    proxy-protocol: yes please
                upstreams: { app: { servers: [ { url: http://127.0.0.1:8081 } ] } }
                routes: [ { match: { path: / }, upstream: app } ]
                """,
                "t.yaml:4:21: listeners[1].proxy-protocol: a PROXY protocol listener accepts connections only"
                        + " from trusted-proxies, and there are none: nothing could connect (add your balancer's"
                        + " addresses, e.g. trusted-proxies: [ 10.0.0.0/8 ], or remove proxy-protocol)",
                "t.yaml:6:21: listeners[2].proxy-protocol: expected true or false, got 'yes please'");
    }

    @Test
    void keysOfLaterVersionsAreNotSupportedYet() {
        // planned keys get their own message rather than "unknown key"
        assertProblems("""
                listeners:
                  - address: 0.0.0.0:8443
                    tls: { keystore: x.p12, password: pw }
                    http2: true
                upstreams:
                  app:
                    servers: [ { url: http://127.0.0.1:8081 } ]
                    resolve-interval: 500ms
                    health-check: { path: health, websocket: /ws, healthy: 0 }
                  other:
                    builtin: echo
                    balance: random
                routes:
                  - match: { path: / }
                    upstream: app
                """,
                "t.yaml:8:23: upstreams.app.resolve-interval: 500ms is too short (at least 1s)",
                "t.yaml:9:27: upstreams.app.health-check.path: 'health' is not a path (it starts with '/' and"
                        + " holds visible ASCII only, e.g. /health)",
                "t.yaml:9:35: upstreams.app.health-check.websocket: path and websocket exclude each other (keep one:"
                        + " path checks with a GET, websocket with a handshake)",
                "t.yaml:9:60: upstreams.app.health-check.healthy: 0 is out of range (1..100)",
                "t.yaml:12:14: upstreams.other.balance: unknown balance 'random' (use round-robin or least-connections)");
    }

    @Test
    void resolveIntervalIsADurationForAnUpstreamOfServersWhoseNamesTakeNoRoute() throws ConfigException {
        // a jvmRoute names one Tomcat; a name resolved to several addresses is several Tomcats
        assertProblems("""
                upstreams:
                  a: { servers: [ { url: http://127.0.0.1:8081 } ], resolve-interval: 2h }
                  b: { servers: [ { url: http://127.0.0.1:8081 } ], resolve-interval: soon }
                  c:
                    servers: [ { url: "http://app.svc:8080", route: node1 }, { url: "http://10.0.0.5:8080", route: node2 } ]
                    resolve-interval: 30s
                  d: { builtin: echo, resolve-interval: 30s }
                routes: [ { match: { path: / }, upstream: c } ]
                """,
                "t.yaml:2:71: upstreams.a.resolve-interval: 2h is too long (at most 1h)",
                "t.yaml:3:71: upstreams.b.resolve-interval: 'soon' is not a duration (write a whole number and a"
                        + " unit: 250ms, 5s, 2m or 1h)",
                "t.yaml:5:53: upstreams.c.servers[0].route: 'app.svc' has a route, but with resolve-interval its"
                        + " host name becomes one server per address, and one jvmRoute cannot name them all (remove"
                        + " route: each address is then balanced without stickiness; for sticky sessions list each"
                        + " Tomcat with its own url and route)",
                "t.yaml:7:23: upstreams.d.resolve-interval: a built-in upstream has no host name to resolve (remove"
                        + " resolve-interval)");
        UpstreamConfig app = ConfigLoader.parse("""
                upstreams:
                  app:
                    servers: [ { url: "http://app.svc:8080" }, { url: "http://10.0.0.5:8080", route: node2 } ]
                    resolve-interval: 30s
                routes: [ { match: { path: / }, upstream: app } ]
                """, "t.yaml", ENV).upstreams().get("app");
        assertEquals(java.time.Duration.ofSeconds(30), app.resolveInterval());
    }

    @Test
    void unsetEnvironmentVariableIsNamed() {
        // ${VAR} without a default must be set; a malformed reference is shown
        assertProblems("""
                listeners: [ { address: "${LISTEN}" } ]
                upstreams: { app: { servers: [ { url: "http://${BACKEND_HOST}:8081" } ] } }
                routes: [ { match: { path: "/${oops" }, upstream: app } ]
                """,
                "t.yaml:1:25: listeners[0].address: environment variable LISTEN is not set "
                        + "(set it, or give a default: ${LISTEN:-value})",
                "t.yaml:2:39: upstreams.app.servers[0].url: environment variable BACKEND_HOST is not set "
                        + "(set it, or give a default: ${BACKEND_HOST:-value})",
                "t.yaml:3:28: routes[0].match.path: malformed variable reference in '/${oops' "
                        + "(write ${VAR} or ${VAR:-default}; $${ for a literal ${)");
    }

    @Test
    void syntaxErrorIsPlacedWhereTheParserStopped() {
        // a YAML syntax error is one positioned problem, not an exception dump
        assertProblems("""
                upstreams:
                  demo: { builtin: echo
                routes: []
                """,
                "t.yaml:3:7: YAML syntax error: expected ',' or '}', but got : "
                        + "(while parsing a flow mapping at line 2, column 9)");
    }

    @Test
    void secondDocumentIsRefused() {
        // a configuration is one document
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                ---
                routes: []
                """,
                "t.yaml:2:1: YAML syntax error: a second document "
                        + "(a configuration is one document: remove the '---')");
    }

    @Test
    void customTagsArePlacedErrorsNeverObjects() {
        // a global Java tag and a local tag are both refused where they are written; nothing is constructed
        assertProblems("""
                upstreams:
                  demo: !!javax.script.ScriptEngineManager [ !!java.net.URL [ "http://evil/" ] ]
                routes: [ { match: { path: !foo / }, upstream: demo } ]
                """,
                "t.yaml:2:9: upstreams.demo: custom tag '!!javax.script.ScriptEngineManager' is not allowed "
                        + "(remove it: Sluice reads plain YAML only)",
                "t.yaml:2:9: upstreams.demo: expected a mapping, got a list "
                        + "(e.g. servers: [ { url: http://127.0.0.1:8081 } ])",
                "t.yaml:2:46: upstreams.demo[0]: custom tag '!!java.net.URL' is not allowed "
                        + "(remove it: Sluice reads plain YAML only)",
                "t.yaml:3:28: routes[0].match.path: custom tag '!foo' is not allowed "
                        + "(remove it: Sluice reads plain YAML only)");
    }

    @Test
    void billionLaughsIsRejectedQuickly() {
        // nine levels of nine aliases would expand to 9^9 nodes; the alias limit stops it at once
        StringBuilder yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level < 9; level++) {
            String previous = "*a" + (level - 1);
            yaml.append("a").append(level).append(": &a").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, previous))).append("]\n");
        }
        String result = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> problems(yaml.toString()));
        assertEquals("t.yaml:4:20: too many aliases to lists or mappings "
                + "(at most 20; is this a \"billion laughs\" document?)", result);
    }

    @Test
    @Timeout(10)
    void nestedAliasesWithinTheAliasLimitAreStoppedAtTheAliasOverBudget() {
        // 19 aliases, under the limit of 20, but nested: each *r is a route whose origins are *o,
        // 20,000 of them, so the binders would read 380,000 origins. The alias that takes the
        // nodes added through aliases over 100,000 (the fourth *r) is the one problem.
        String origins = String.join(", ", Collections.nCopies(20_000, "http://a"));
        StringBuilder yaml = new StringBuilder("""
                upstreams: { demo: { builtin: echo } }
                routes:
                  - { match: { path: /o/ }, upstream: demo, websocket: { allowed-origins: &o [ %s ] } }
                  - &r { match: { path: / }, upstream: demo, websocket: { allowed-origins: *o } }
                """.formatted(origins));
        yaml.append("  - *r\n".repeat(17));
        assertProblems(yaml.toString(), "t.yaml:8:5: routes[5]: aliases expand to too many nodes "
                + "(at most 100000 in all; is this a \"billion laughs\" document?)");
    }

    @Test
    void aliasInsideWhatItNamesIsRefused() {
        // an alias inside its own anchor's mapping would make a tree that contains itself
        assertProblems("""
                upstreams: { demo: { builtin: echo } }
                routes:
                  - &r { match: { path: / }, upstream: demo, websocket: { allowed-origins: [ *r ] } }
                """,
                "t.yaml:3:78: routes[0].websocket.allowed-origins[0]: alias *r is inside the list or mapping "
                        + "it names (a configuration cannot contain itself)");
    }

    @Test
    void emptyFileGetsOneClearProblem() {
        // empty, comments only, and a document with no routes say the same helpful thing
        String noRoutes = "no routes: add at least one route (e.g. upstreams: { demo: { builtin: echo } } "
                + "with routes: [ { match: { path: / }, upstream: demo } ])";
        assertProblems("", "t.yaml: " + noRoutes);
        assertProblems("""
                # nothing yet
                   # still nothing
                """, "t.yaml: " + noRoutes);
        assertProblems("""
                limits: { max-tunnels: 10 }
                """, "t.yaml:1:1: routes: " + noRoutes);
        assertProblems("""
                upstreams: { app: { builtin: echo } }
                routes: []
                """, "t.yaml:2:9: routes: no routes: add at least one route "
                + "(e.g. routes: [ { match: { path: / }, upstream: app } ])");
    }

    @Test
    void rootMustBeAMapping() {
        // a list or a bare word at the top is not a configuration
        assertProblems("""
                - listeners
                """, "t.yaml:1:1: expected a mapping, got a list "
                + "(e.g. listeners: [...], upstreams: {...}, routes: [...])");
    }

    @Test
    void severalErrorsAreAllReportedInFileOrder() {
        // problems from different sections, found in a different order, come out sorted by place
        assertProblems("""
                routes:
                  - match: { path: / }
                    upstream: nowhere
                listeners:
                  - address: localhost
                upstreams:
                  app:
                    servers: [ { url: ftp://127.0.0.1 } ]
                    conect-timeout: 5s
                limits: { request-header-timeout: 0ms }
                """,
                "t.yaml:3:15: routes[0].upstream: unknown upstream 'nowhere' (known: app)",
                "t.yaml:5:14: listeners[0].address: 'localhost' is not host:port "
                        + "(write host:port, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080)",
                "t.yaml:8:23: upstreams.app.servers[0].url: 'ftp://127.0.0.1' has an unsupported scheme 'ftp' "
                        + "(write http://host:port or https://host:port, e.g. http://127.0.0.1:8081)",
                "t.yaml:9:5: upstreams.app.conect-timeout: unknown key 'conect-timeout' (did you mean "
                        + "'connect-timeout'? allowed here: servers, builtin, balance, sticky-cookie, "
                        + "connect-timeout, response-timeout, max-connections-per-server, health-check, resolve-interval,"
                        + " tls)",
                "t.yaml:10:35: limits.request-header-timeout: 0ms is too short (at least 1ms)");
    }

    @Test
    void upstreamTlsIsForHttpsServersOnly() {
        // tls on plain servers and on a builtin; an unknown key, a bad flag and an empty ca in a tls block
        assertProblems("""
                upstreams:
                  plain:
                    servers: [ { url: http://127.0.0.1:8081 } ]
                    tls: { ca: ca.pem }
                  demo:
                    builtin: echo
                    tls: {}
                  secure:
                    servers: [ { url: https://backend.example } ]
                    tls: { ca: "", insecure-skip-verify: maybe, verify: false }
                routes: [ { match: { path: / }, upstream: plain } ]
                """,
                "t.yaml:4:5: upstreams.plain.tls: tls is for https:// servers, and this upstream has none"
                        + " (write its servers as https://host:port, or remove tls)",
                "t.yaml:7:5: upstreams.demo.tls: tls is for https:// servers, and this upstream has none"
                        + " (write its servers as https://host:port, or remove tls)",
                "t.yaml:10:16: upstreams.secure.tls.ca: empty (give a file path, e.g. ca: conf/tls/upstream-ca.pem)",
                "t.yaml:10:42: upstreams.secure.tls.insecure-skip-verify: expected true or false, got 'maybe'",
                "t.yaml:10:49: upstreams.secure.tls.verify: unknown key 'verify' (allowed here: ca,"
                        + " insecure-skip-verify)");
    }

    @Test
    void problemCarriesItsParts() {
        // the structured problem matches its printed form, for tools that want the parts
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo, strip-prefix: maybe } ]
                """, "conf/x.yaml", ENV));
        assertEquals(java.util.List.of(new ConfigProblem("conf/x.yaml", 2, 63, "routes[0].strip-prefix",
                "expected true or false, got 'maybe'")), e.problems());
        assertEquals(e.problems().get(0).toString(), e.getMessage());
    }
}
