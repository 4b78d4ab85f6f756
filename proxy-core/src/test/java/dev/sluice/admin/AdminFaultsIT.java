package dev.sluice.admin;

import dev.sluice.Sluice;
import dev.sluice.config.FaultType;
import dev.sluice.fault.ActiveFault;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fault endpoints of the admin API: what a test in any language sees over HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminFaultsIT {
    private HttpBackend backend;
    private Sluice proxy;

    @BeforeEach
    void start() {
        backend = HttpBackend.start();
        proxy = Sluice.builder().route("/", backend.uri()).route("/chat/", backend.uri())
                .admin("127.0.0.1", 0).start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    // One fault as JSON, a list, and a YAML body are each added (201, echoed with their names);
    // GET /faults lists all of them, with the count left of the counted one, as the Java API does.
    @Test
    void postedFaultsAreListedWithTheirNames() throws Exception {
        HttpResponse<String> one = admin("POST", "/faults",
                "{\"name\": \"slow\", \"type\": \"latency\", \"latency\": \"200ms\", \"direction\": \"to-client\"}");
        assertEquals(201, one.statusCode(), one.body());
        assertEquals("{\"faults\":[{\"fault\":{\"name\":\"slow\",\"type\":\"latency\",\"direction\":\"to-client\","
                + "\"latency\":\"200ms\",\"probability\":1},\"acted\":0}]}", one.body());
        assertEquals("application/json", one.headers().firstValue("Content-Type").orElse(""));

        HttpResponse<String> list = admin("POST", "/faults", """
                [ {"type": "drop-messages", "count": 2, "route": "/chat/"},
                  {"type": "bandwidth", "rate": "64KiB"} ]""");
        assertEquals(201, list.statusCode(), list.body());
        assertTrue(list.body().contains("\"name\":\"drop-messages-") && list.body().contains("\"remaining\":2")
                && list.body().contains("\"rate\":65536"), list.body());

        HttpResponse<String> yaml = admin("POST", "/faults", "name: down\ntype: http-status\nstatus: 503\n");
        assertEquals(201, yaml.statusCode(), yaml.body());

        String listed = admin("GET", "/faults", null).body();
        List<String> names = proxy.faults().list().stream().map(ActiveFault::name).toList();
        assertEquals(4, names.size(), listed);
        for (String name : names) {
            assertTrue(listed.contains("\"name\":\"" + name + "\""), listed);
        }
        assertEquals(FaultType.HTTP_STATUS, proxy.faults().find("down").orElseThrow().type());
        assertTrue(listed.contains("{\"name\":\"down\",\"type\":\"http-status\",\"status\":503,\"probability\":1}"),
                "no direction for a fault on whole requests: " + listed);
        String status = admin("GET", "/status", null).body();
        assertTrue(status.contains("\"faults\":[{\"fault\":{"), "GET /status lists the faults too: " + status);
    }

    // What GET /faults/NAME shows under "fault" is a body POST /faults takes back as it is: after
    // a DELETE, posting it restores the same fault.
    @Test
    void aListedFaultPostsBackAsItIs() throws Exception {
        assertEquals(201, admin("POST", "/faults", "{\"name\": \"lossy\", \"type\": \"drop-messages\", \"count\": 3,"
                + " \"direction\": \"to-upstream\", \"probability\": 0.5, \"route\": \"/chat/\"}").statusCode());
        String shown = admin("GET", "/faults/lossy", null).body();
        String fault = shown.substring(shown.indexOf("{\"name\""), shown.indexOf('}') + 1);

        assertEquals(204, admin("DELETE", "/faults/lossy", null).statusCode());
        HttpResponse<String> again = admin("POST", "/faults", fault);
        assertEquals(201, again.statusCode(), again.body());
        assertEquals(shown, admin("GET", "/faults/lossy", null).body());
    }

    // A bad value, an unknown key and an unknown route are each told at their line and column,
    // with the key path in the body; a list with a bad item adds nothing.
    @Test
    void badBodiesAreRefusedWithLineColumnAndKey() throws Exception {
        HttpResponse<String> badValue = admin("POST", "/faults", "{\"type\": \"latency\", \"latency\": \"fast\"}");
        assertEquals(400, badValue.statusCode());
        assertTrue(badValue.body().startsWith("POST /faults:1:32: latency: 'fast' is not a duration"), badValue.body());
        assertEquals("text/plain; charset=utf-8", badValue.headers().firstValue("Content-Type").orElse(""));

        HttpResponse<String> unknownKey = admin("POST", "/faults", "{\"type\": \"latency\",\n \"latency\": \"200ms\","
                + "\n \"jiter\": \"5ms\"}");
        assertEquals(400, unknownKey.statusCode());
        assertTrue(unknownKey.body().startsWith("POST /faults:3:2: jiter: ") && unknownKey.body().contains("jitter"),
                unknownKey.body());

        HttpResponse<String> unknownRoute = admin("POST", "/faults", """
                [ {"type": "blackhole"},
                  {"type": "blackhole", "route": "/nope/"} ]""");
        assertEquals(400, unknownRoute.statusCode());
        assertTrue(unknownRoute.body().startsWith("POST /faults:2:34: [1].route: ")
                && unknownRoute.body().contains("/nope/"), unknownRoute.body());
        assertEquals(List.of(), proxy.faults().list(), "all or none");

        HttpResponse<String> notAFault = admin("POST", "/faults", "\"latency\"");
        assertEquals(400, notAFault.statusCode());
        assertTrue(notAFault.body().startsWith("POST /faults:1:1: "), notAFault.body());
        assertEquals(400, admin("POST", "/faults", "").statusCode(), "an empty body");
    }

    // A name already on is a conflict, and the fault on stays as it was; a body over 64 KiB is refused unread.
    @Test
    void aNameOnAlreadyIsAConflictAndABigBodyTooLarge() throws Exception {
        String fault = "{\"name\": \"down\", \"type\": \"http-status\", \"status\": 503}";
        assertEquals(201, admin("POST", "/faults", fault).statusCode());
        HttpResponse<String> again = admin("POST", "/faults", fault.replace("503", "502"));
        assertEquals(409, again.statusCode());
        assertTrue(again.body().contains("down"), again.body());
        assertEquals(503, proxy.faults().find("down").orElseThrow().config().status());

        HttpResponse<String> big = admin("POST", "/faults", fault + " ".repeat(64 * 1024));
        assertEquals(413, big.statusCode(), big.body());
        assertEquals(1, proxy.faults().list().size());
        assertEquals(200, admin("GET", "/healthz", null).statusCode(), "the admin API goes on answering");
    }

    // DELETE /faults/NAME removes that one (204), an unknown name is 404 with a reason, DELETE
    // /faults removes the rest; wrong methods get 405 with Allow.
    @Test
    void faultsAreRemovedOneByOneOrAllAtOnce() throws Exception {
        assertEquals(201, admin("POST", "/faults", "[{\"name\": \"a\", \"type\": \"blackhole\"},"
                + " {\"name\": \"b\", \"type\": \"refuse\"}, {\"name\": \"c\", \"type\": \"reset\"}]").statusCode());
        assertEquals(204, admin("DELETE", "/faults/a", null).statusCode());
        assertEquals(List.of("b", "c"), proxy.faults().list().stream().map(ActiveFault::name).toList());

        HttpResponse<String> unknown = admin("DELETE", "/faults/a", null);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("no fault named 'a'"), unknown.body());
        assertEquals(404, admin("GET", "/faults/a", null).statusCode());

        assertEquals(204, admin("DELETE", "/faults", null).statusCode());
        assertEquals(List.of(), proxy.faults().list());
        assertEquals("{\"faults\":[]}", admin("GET", "/faults", null).body());

        HttpResponse<String> put = admin("PUT", "/faults", "{}");
        assertEquals(405, put.statusCode());
        assertEquals("GET, POST, DELETE", put.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> postOne = admin("POST", "/faults/b", "{}");
        assertEquals(405, postOne.statusCode());
        assertEquals("GET, DELETE", postOne.headers().firstValue("Allow").orElse(""));
    }

    // The effect through the proxy: an http-status 503 fault on a route answers its requests
    // without the backend; once deleted, the backend's 200 comes back; the other route is untouched.
    @Test
    void anHttpStatusFaultAnswersUntilDeleted() throws Exception {
        assertEquals(200, get("/chat/x").statusCode());
        assertEquals(201, admin("POST", "/faults",
                "{\"name\": \"down\", \"type\": \"http-status\", \"status\": 503, \"route\": \"/chat/\"}").statusCode());
        assertEquals(503, get("/chat/x").statusCode());
        assertEquals(200, get("/other").statusCode(), "another route");
        assertTrue(admin("GET", "/faults/down", null).body().contains("\"acted\":1"));

        assertEquals(204, admin("DELETE", "/faults/down", null).statusCode());
        HttpResponse<String> back = get("/chat/x");
        assertEquals(200, back.statusCode());
        assertEquals("ok", back.body());
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + path);
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        // As a client must (a web page cannot without a preflight): JSON bodies as JSON, the rest as YAML.
        String type = body != null && !body.isBlank() && "{[".indexOf(body.strip().charAt(0)) < 0
                ? "application/yaml" : "application/json";
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(uri).method(method, publisher)
                .header("Content-Type", type)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
