package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code faults:} in a file and the bodies of {@code POST /faults}: one binder, one problem format. */
class FaultsConfigTest {
    private static final String ROUTES = """
            upstreams: { app: { servers: [ { url: http://127.0.0.1:8081 } ] } }
            routes:
              - match: { path: /chat/ }
                upstream: app
              - match: { path: / }
                upstream: app
            """;
    private static final String BODY = "POST /faults";

    private static List<FaultConfig> faults(String faultsYaml) throws ConfigException {
        return ConfigLoader.parse(ROUTES + faultsYaml, "t.yaml", Map.of()).faults();
    }

    private static String fileProblems(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml", Map.of()));
        return lines(e);
    }

    private static String bodyProblems(String body, List<String> routePaths) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parseFaults(body, BODY, routePaths));
        return lines(e);
    }

    private static String lines(ConfigException e) {
        return e.problems().stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void everyTypeIsBoundWithItsParameters() throws Exception {
        // each of the 13 types with the parameters it takes, as the Java API would build it
        List<FaultConfig> faults = faults("""
                faults:
                  - { name: slow, route: /chat/, direction: to-client, type: latency, latency: 200ms, jitter: 50ms }
                  - { type: bandwidth, rate: 64KiB, direction: to-upstream }
                  - { type: blackhole }
                  - { type: reset, delay: 2s }
                  - { type: limit-data, bytes: 10000 }
                  - { type: slice, segment: 1B, delay: 1ms }
                  - { type: refuse, probability: 0.5 }
                  - { type: http-status, status: 503, route: / }
                  - { type: slow-close, delay: 5s }
                  - { type: drop-messages, count: 3, control-frames: true }
                  - { type: delay-messages, latency: 1s, count: 2, direction: both }
                  - { type: duplicate-messages }
                  - { type: close, code: 1011, reason: injected }
                """);
        assertEquals(List.of(
                FaultConfig.latency(Duration.ofMillis(200), Duration.ofMillis(50)).toClient().onRoute("/chat/")
                        .named("slow"),
                FaultConfig.bandwidth(64 * 1024).toUpstream(),
                FaultConfig.blackhole(),
                FaultConfig.reset(Duration.ofSeconds(2)),
                FaultConfig.limitData(10000),
                FaultConfig.slice(1, Duration.ofMillis(1)),
                FaultConfig.refuse().withProbability(0.5),
                FaultConfig.httpStatus(503).onRoute("/"),
                FaultConfig.slowClose(Duration.ofSeconds(5)),
                FaultConfig.dropMessages(3).includingControlFrames(),
                FaultConfig.delayMessages(Duration.ofSeconds(1)).withCount(2),
                FaultConfig.duplicateMessages(),
                FaultConfig.close(1011, "injected")), faults);
    }

    @Test
    void leftOutKeysGetTheDocumentedDefaults() throws Exception {
        // no name, no route (every route), both directions, probability 1, every message, control frames pass
        FaultConfig f = faults("""
                faults:
                  - type: drop-messages
                """).get(0);
        assertEquals(new FaultConfig(null, null, FaultDirection.BOTH, FaultType.DROP_MESSAGES, null, null, 0, 0, 0,
                null, 0, FaultConfig.ALL, 0, null, 1.0, false), f);
        // a file without faults, or with an empty list, has none
        assertEquals(List.of(), faults(""));
        assertEquals(List.of(), faults("faults: []\n"));
    }

    @Test
    void jsonBodyIsOneFaultOrAList() throws Exception {
        // POST /faults: the same binder reads JSON; sizes as numbers or with units, numbers unquoted
        assertEquals(List.of(FaultConfig.latency(Duration.ofMillis(200)).toClient().named("slow").withProbability(0.25)),
                ConfigLoader.parseFaults("""
                        {"name": "slow", "type": "latency", "latency": "200ms", "direction": "to-client",
                         "probability": 0.25}""", BODY, List.of("/")));
        assertEquals(List.of(FaultConfig.limitData(16 * 1024).onRoute("/chat/"), FaultConfig.slice(10000, null),
                        FaultConfig.dropMessages(1).includingControlFrames()),
                ConfigLoader.parseFaults("""
                        [ {"type": "limit-data", "bytes": "16KiB", "route": "/chat/"},
                          {"type": "slice", "segment": 10000},
                          {"type": "drop-messages", "count": 1, "control-frames": true} ]""",
                        BODY, List.of("/", "/chat/")));
        // null route paths: the route is not checked (only that it is a path)
        assertEquals(List.of(FaultConfig.blackhole().onRoute("/anything/")),
                ConfigLoader.parseFaults("{\"type\": \"blackhole\", \"route\": \"/anything/\"}", BODY, null));
    }

    @Test
    void bodyIsTakenLiterally() throws Exception {
        // no ${VAR} substitution in a body: the proxy's environment is not the caller's to read
        assertEquals(List.of(FaultConfig.close(4000, "${HOME}")),
                ConfigLoader.parseFaults("{\"type\": \"close\", \"code\": 4000, \"reason\": \"${HOME}\"}", BODY, null));
    }

    @Test
    void typeAndDirectionAreNamedWithSuggestions() {
        // a misspelt type or direction: did-you-mean plus every name; a fault without type
        assertEquals(String.join("\n",
                        "t.yaml:8:11: faults[0].type: unknown type 'latncy' (did you mean 'latency'? known: latency, "
                                + "bandwidth, blackhole, reset, limit-data, slice, refuse, http-status, slow-close, "
                                + "drop-messages, delay-messages, duplicate-messages, close)",
                        "t.yaml:9:35: faults[1].direction: unknown direction 'to-clent' (did you mean 'to-client'? "
                                + "known: to-upstream, to-client, both)",
                        "t.yaml:10:5: faults[2].type: missing (e.g. type: latency)"),
                fileProblems(ROUTES + """
                        faults:
                          - type: latncy
                          - { type: blackhole, direction: to-clent }
                          - name: untyped
                        """));
    }

    @Test
    void keyTheTypeDoesNotTakeIsRefusedAtTheKey() {
        // rate is bandwidth's; direction means nothing to http-status; an unknown key gets did-you-mean
        // and the required key it misspells is not reported missing as well
        assertEquals(String.join("\n",
                        "t.yaml:10:5: faults[0].rate: not used by type latency (rate belongs to bandwidth)",
                        "t.yaml:11:5: faults[0].delay: not used by type latency (delay belongs to reset, slice "
                                + "and slow-close)",
                        "t.yaml:12:39: faults[1].direction: not used by type http-status (http-status acts on "
                                + "whole requests and handshakes, which have no direction)",
                        "t.yaml:13:22: faults[2].latancy: unknown key 'latancy' (did you mean 'latency'? allowed "
                                + "here: name, route, direction, type, latency, jitter, rate, bytes, segment, delay, "
                                + "status, count, code, reason, probability, control-frames)"),
                fileProblems(ROUTES + """
                        faults:
                          - type: latency
                            latency: 200ms
                            rate: 64KiB
                            delay: oops
                          - { type: http-status, status: 503, direction: both }
                          - { type: latency, latancy: 1s }
                        """));
    }

    @Test
    void missingRequiredParameterIsSaidAtTheFault() {
        // the record's own message, at the fault's mapping, for each type that needs a parameter
        assertEquals(String.join("\n",
                        "t.yaml:8:5: faults[0]: latency needs latency (how long each chunk is held)",
                        "t.yaml:9:5: faults[1]: bandwidth needs rate (bytes a second, more than 0)",
                        "t.yaml:10:5: faults[2]: http-status needs status, from 200 to 599",
                        "t.yaml:11:5: faults[3]: close needs code, a close code a peer may send: 1000-1003, "
                                + "1007-1014 or 3000-4999",
                        "t.yaml:12:5: faults[4]: slow-close needs delay (how long a FIN is held)"),
                fileProblems(ROUTES + """
                        faults:
                          - { type: latency, jitter: 5ms }
                          - { type: bandwidth }
                          - { type: http-status }
                          - { type: close, reason: bye }
                          - type: slow-close
                        """));
    }

    @Test
    void badValuesArePlacedAtTheValue() {
        // a duration without unit, probability 2, a reserved close code, a status out of range,
        // count 0, a zero size, a name unfit for a URL and a route that is no path
        assertEquals(String.join("\n",
                        "t.yaml:8:31: faults[0].latency: '2' has no unit (write e.g. 2s or 2ms)",
                        "t.yaml:9:34: faults[1].probability: 2 is out of range (0..1; 1 acts every time, "
                                + "0.25 one time in four)",
                        "t.yaml:10:26: faults[2].code: close needs code, a close code a peer may send: 1000-1003, "
                                + "1007-1014 or 3000-4999 (got 1005)",
                        "t.yaml:11:34: faults[3].status: http-status needs status, from 200 to 599 (got 700)",
                        "t.yaml:12:35: faults[4].count: count 0 must be 1 or more (or left out for every message)",
                        "t.yaml:13:29: faults[5].segment: 0 is too small (at least 1B)",
                        "t.yaml:14:13: faults[6].name: name 'a b' must be 1 to 64 letters, digits, '.', '_' or '-' "
                                + "(it is used in a URL path)",
                        "t.yaml:15:14: faults[7].route: route 'chat' must be a route's match path, starting with '/'",
                        "t.yaml:16:46: faults[8].probability: 'half' is not a probability (write a number from "
                                + "0 to 1, e.g. 0.25)"),
                fileProblems(ROUTES + """
                        faults:
                          - { type: latency, latency: 2 }
                          - { type: refuse, probability: 2 }
                          - { type: close, code: 1005 }
                          - { type: http-status, status: 700 }
                          - { type: drop-messages, count: 0 }
                          - { type: slice, segment: 0 }
                          - { name: a b, type: blackhole }
                          - { route: chat, type: blackhole }
                          - { type: duplicate-messages, probability: half }
                        """));
    }

    @Test
    void routeMustBeARoutesPathAndNamesUnique() {
        // the rules that span the file: a fault on /chat (the route is /chat/) and a name used twice
        assertEquals(String.join("\n",
                        "t.yaml:8:31: faults[0].route: '/chat' is not a route's match path (did you mean '/chat/'? "
                                + "routes: /chat/, /)",
                        "t.yaml:10:13: faults[2].name: name 'slow' is already used by faults[1] (each fault needs "
                                + "its own name)"),
                fileProblems(ROUTES + """
                        faults:
                          - { type: blackhole, route: /chat }
                          - { name: slow, type: latency, latency: 1s }
                          - { name: slow, type: latency, latency: 2s }
                        """));
    }

    @Test
    void brokenRouteDoesNotMakeFaultRoutesUnknown() {
        // a route whose path cannot be read: its own problem only, the fault's route is not judged
        assertEquals("t.yaml:3:20: routes[0].match.path: environment variable CHAT is not set "
                        + "(set it, or give a default: ${CHAT:-value})",
                fileProblems("""
                        upstreams: { app: { servers: [ { url: http://127.0.0.1:8081 } ] } }
                        routes:
                          - match: { path: "${CHAT}" }
                            upstream: app
                        faults: [ { type: blackhole, route: /chat/ } ]
                        """));
    }

    @Test
    void bodyProblemsUseTheSameFormatWithKeysInsideTheBody() {
        // one object: the key is the field; a list: [i].field; a route not among the running routes
        assertEquals("POST /faults:1:32: latency: 'fast' is not a duration (write a whole number and a unit: "
                        + "250ms, 5s, 2m or 1h)",
                bodyProblems("{\"type\": \"latency\", \"latency\": \"fast\"}", List.of("/")));
        assertEquals(String.join("\n",
                        "POST /faults:2:3: [1]: latency needs latency (how long each chunk is held)",
                        "POST /faults:3:25: [2].rate: not used by type blackhole (rate belongs to bandwidth)",
                        "POST /faults:4:34: [3].route: '/api/' is not a route's match path (routes: /, /chat/)"),
                bodyProblems("""
                        [ {"type": "blackhole"},
                          {"type": "latency"},
                          {"type": "blackhole", "rate": 100},
                          {"type": "blackhole", "route": "/api/"} ]""", List.of("/", "/chat/")));
        assertEquals("POST /faults:1:32: route: '/api/' is not a route's match path (there are no routes)",
                bodyProblems("{\"type\": \"blackhole\", \"route\": \"/api/\"}", List.of()));
        assertEquals("POST /faults:2:12: [1].name: name 'x' is already used by [0] (each fault needs its own name)",
                bodyProblems("""
                        [ {"name": "x", "type": "refuse"},
                          {"name": "x", "type": "reset"} ]""", null));
    }

    @Test
    void bodyThatIsNoFaultIsOneClearProblem() {
        // empty, JSON null, a bare string, an empty list, broken JSON
        String empty = "POST /faults: empty body (send one fault, e.g. {\"type\": \"latency\", \"latency\": "
                + "\"200ms\"}, or a list of them)";
        assertEquals(empty, bodyProblems("", null));
        assertEquals(empty, bodyProblems("null", null));
        assertEquals("POST /faults:1:1: expected a fault (a mapping) or a list of faults, got 'latency' "
                + "(e.g. { type: latency, latency: 200ms })", bodyProblems("\"latency\"", null));
        assertEquals("POST /faults:1:1: empty list (send one fault or a list of them, e.g. "
                + "{ type: latency, latency: 200ms })", bodyProblems("[]", null));
        assertEquals("POST /faults:1:18: YAML syntax error: expected ',' or '}', but got <scalar> "
                + "(while parsing a flow mapping at line 1, column 1)", bodyProblems("{\"type\": \"reset\" \"delay\": 1s}", null));
    }

    @Test
    void configBuiltInCodeMeetsTheFaultRules() {
        // ConfigRules.validate: a fault on no route's path, and a name twice, named by key path
        SluiceConfig config = new SluiceConfig("builder", List.of(ListenerConfig.DEFAULT), null,
                Map.of("app", UpstreamConfig.builtin("app", Builtin.ECHO)), List.of(RouteConfig.of("/ws/", "app")),
                LimitsConfig.DEFAULTS, List.of(), AccessLogConfig.OFF, Duration.ZERO, Duration.ZERO, List.of(
                FaultConfig.blackhole().onRoute("/wss/").named("a"),
                FaultConfig.reset().named("a"),
                FaultConfig.refuse().onRoute("/ws/")), null, null);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigRules.validate(config));
        assertEquals(String.join("\n",
                "builder: faults[0].route: '/wss/' is not a route's match path (did you mean '/ws/'? routes: /ws/)",
                "builder: faults[1].name: name 'a' is already used by faults[0] (each fault needs its own name)"),
                lines(e));
    }
}
