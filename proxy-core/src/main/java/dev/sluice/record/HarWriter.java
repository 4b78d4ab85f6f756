package dev.sluice.record;

import dev.sluice.json.Json;
import dev.sluice.ws.Direction;
import io.undertow.util.StatusCodes;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Writes a recording as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), with a tunnel's
 * messages in its handshake's entry the way Chrome's network panel and mitmproxy write them:
 * {@code "_resourceType": "websocket"} and {@code "_webSocketMessages": [{type, time, opcode, data}]},
 * {@code type} being {@code send} (client to upstream) or {@code receive}, {@code time} seconds
 * since the epoch, and {@code data} the payload (text as is, anything else in base64; empty when
 * payloads were not recorded).
 *
 * <p>Written as it goes: the text is handed to the {@link Writer} after each entry and whenever
 * {@value #CHUNK} characters of one entry's messages have piled up, so that a recording of many
 * megabytes is never held as one string.
 */
final class HarWriter {
    /** How much text is gathered before it is handed on. */
    static final int CHUNK = 16 * 1024;

    private HarWriter() {
    }

    static void write(Writer out, List<HttpExchange> exchanges, LongFunction<List<WsMessage>> messages)
            throws IOException {
        Json json = new Json().beginObject().name("log").beginObject()
                .member("version", "1.2")
                .name("creator").beginObject().member("name", "Sluice").member("version", version()).endObject()
                .name("pages").beginArray().endArray()
                .name("entries").beginArray();
        for (HttpExchange exchange : exchanges) {
            entry(json, out, exchange, exchange.isTunnel() ? messages.apply(exchange.tunnelId()) : List.of());
            json.drainTo(out);
        }
        json.endArray().endObject().endObject().drainTo(out);
    }

    private static void entry(Json json, Writer out, HttpExchange e, List<WsMessage> messages) throws IOException {
        BigDecimal millis = BigDecimal.valueOf(e.duration().toNanos()).movePointLeft(6).setScale(3, RoundingMode.HALF_UP);
        json.beginObject()
                .member("startedDateTime", e.started().truncatedTo(ChronoUnit.MILLIS).toString())
                .member("time", millis);
        json.name("request").beginObject()
                .member("method", e.method())
                .member("url", url(e))
                .member("httpVersion", e.protocol());
        json.name("cookies").beginArray().endArray();
        headers(json, e.requestHeaders());
        queryString(json, e.query());
        json.member("headersSize", -1).member("bodySize", -1).endObject();

        String location = e.responseHeader("Location");
        String contentType = e.responseHeader("Content-Type");
        json.name("response").beginObject()
                .member("status", e.status())
                .member("statusText", e.status() == 0 ? "" : StatusCodes.getReason(e.status()))
                .member("httpVersion", e.protocol());
        if (e.error() != null) {
            json.member("_error", e.error()); // where Chrome puts why a request failed
        }
        json.name("cookies").beginArray().endArray();
        headers(json, e.responseHeaders());
        json.name("content").beginObject()
                .member("size", e.responseBytes())
                .member("mimeType", contentType == null ? "" : contentType)
                .endObject()
                .member("redirectURL", location == null ? "" : location)
                .member("headersSize", -1)
                .member("bodySize", e.responseBytes())
                .endObject();
        json.name("cache").beginObject().endObject();
        json.name("timings").beginObject().member("send", 0).member("wait", millis).member("receive", 0).endObject();
        if (e.server() != null) {
            json.member("serverIPAddress", hostOf(e.server()));
            json.member("_upstreamServer", e.server());
        }
        if (e.route() != null) {
            json.member("_route", e.route()).member("_upstream", e.upstream());
        }
        if (e.fault() != null) {
            json.member("_fault", e.fault());
        }
        if (e.isTunnel()) {
            json.member("_tunnelId", e.tunnelId()).member("_resourceType", "websocket");
            json.name("_webSocketMessages").beginArray();
            for (WsMessage message : messages) {
                json.beginObject()
                        .member("type", message.direction() == Direction.TO_UPSTREAM ? "send" : "receive")
                        .member("time", epochSeconds(message.time()))
                        .member("opcode", message.opcode())
                        .member("data", data(message))
                        .member("_length", message.length());
                if (message.fault() != null) {
                    json.member("_fault", message.fault()).member("_faultEffect", message.effect());
                }
                json.endObject();
                if (json.pending() >= CHUNK) {
                    json.drainTo(out);
                }
            }
            json.endArray();
        }
        json.endObject();
    }

    /** The URL the client asked for: {@code ws://} for a WebSocket handshake, as browsers show it. */
    private static String url(HttpExchange e) {
        String upgrade = e.requestHeader("Upgrade");
        String scheme = upgrade != null && upgrade.toLowerCase().contains("websocket") ? "ws" : "http";
        // an absolute-form target ("GET http://host/path") is already a URL
        String url = e.path().startsWith("/") ? scheme + "://" + e.host() + e.path() : e.path();
        return e.query().isEmpty() ? url : url + "?" + e.query();
    }

    private static void headers(Json json, Map<String, List<String>> headers) {
        json.name("headers").beginArray();
        headers.forEach((name, values) -> values.forEach(value ->
                json.beginObject().member("name", name).member("value", value).endObject()));
        json.endArray();
    }

    private static void queryString(Json json, String query) {
        json.name("queryString").beginArray();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                json.beginObject()
                        .member("name", decode(eq < 0 ? pair : pair.substring(0, eq)))
                        .member("value", eq < 0 ? "" : decode(pair.substring(eq + 1)))
                        .endObject();
            }
        }
        json.endArray();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a broken escape: shown as sent
        }
    }

    private static String data(WsMessage message) {
        if (message.payload() == null) {
            return "";
        }
        return message.opcode() == WsMessage.TEXT ? message.text() : Base64.getEncoder().encodeToString(message.payload());
    }

    private static BigDecimal epochSeconds(Instant time) {
        return BigDecimal.valueOf(time.getEpochSecond()).add(BigDecimal.valueOf(time.getNano() / 1000, 6));
    }

    /** The address part of {@code host:port} or {@code [v6]:port}. */
    private static String hostOf(String server) {
        String host = server.substring(0, server.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static String version() {
        String version = HarWriter.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
