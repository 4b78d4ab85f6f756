package dev.sluice.observe;

import dev.sluice.json.Json;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How an {@link AccessEntry} reads. {@code combined} is nginx's combined format, so that
 * existing tools parse it, then Sluice's fields as {@code key=value}:
 * <pre>
 * 127.0.0.1 - - [05/Dec/2026:10:15:42 +0000] "GET /a?b=1 HTTP/1.1" 200 512 "-" "curl/8.5.0" 12ms host=example.com route=/ upstream=app server=10.0.0.5:8080 id=4f2a…
 * 127.0.0.1 - - [05/Dec/2026:10:16:01 +0000] "TUNNEL /chat HTTP/1.1" 101 4096 "-" "Mozilla/5.0" 5123ms host=… route=/chat/ upstream=app server=… id=… tunnel=7 up=120B/3 down=4096B/7 codes=1000/1000 reason="client closed"
 * </pre>
 * {@code json} is one object per line with the same fields under stable names.
 */
public enum AccessFormat {
    COMBINED {
        @Override
        String format(AccessEntry entry) {
            StringBuilder line = new StringBuilder(256);
            if (entry instanceof AccessEntry.Exchange e) {
                head(line, e.client(), e.timeMillis(), e.method() + " " + e.target() + " " + e.protocol(), e.status(),
                        e.bodyBytes(), e.referer(), e.userAgent());
                line.append(' ').append(e.durationMillis()).append("ms");
                fields(line, e.host(), e.route(), e.upstream(), e.server());
                if (e.tlsProtocol() != null) {
                    line.append(" tls=").append(e.tlsProtocol()).append('/').append(e.tlsCipher());
                }
                line.append(" id=").append(e.requestId());
                if (e.fault() != null) {
                    line.append(" fault=").append(e.fault());
                }
            } else if (entry instanceof AccessEntry.ClosedTunnel t) {
                head(line, t.client(), t.timeMillis(), "TUNNEL " + t.target() + " HTTP/1.1", 101, t.bytesToClient(),
                        t.referer(), t.userAgent());
                line.append(' ').append(t.durationMillis()).append("ms");
                fields(line, t.host(), t.route(), t.upstream(), t.server());
                line.append(" id=").append(t.requestId()).append(" tunnel=").append(t.tunnelId())
                        .append(" up=").append(t.bytesToUpstream()).append("B/").append(t.messagesToUpstream())
                        .append(" down=").append(t.bytesToClient()).append("B/").append(t.messagesToClient())
                        .append(" codes=").append(code(t.clientCode())).append('/').append(code(t.upstreamCode()))
                        .append(" reason=\"").append(t.reason().replace("\"", "'")).append('"');
            }
            return line.toString();
        }
    },
    JSON {
        @Override
        String format(AccessEntry entry) {
            Json json = new Json().beginObject();
            if (entry instanceof AccessEntry.Exchange e) {
                json.member("type", "http").member("time", Instant.ofEpochMilli(e.timeMillis()).toString())
                        .member("client", e.client()).member("method", e.method()).member("target", e.target())
                        .member("protocol", e.protocol()).member("status", e.status()).member("bytes", e.bodyBytes())
                        .member("duration_ms", e.durationMillis()).member("host", e.host()).member("referer", e.referer())
                        .member("user_agent", e.userAgent()).member("route", e.route()).member("upstream", e.upstream())
                        .member("server", e.server()).member("request_id", e.requestId())
                        .member("tls_protocol", e.tlsProtocol()).member("tls_cipher", e.tlsCipher())
                        .member("fault", e.fault());
            } else if (entry instanceof AccessEntry.ClosedTunnel t) {
                json.member("type", "tunnel").member("time", Instant.ofEpochMilli(t.timeMillis()).toString())
                        .member("client", t.client()).member("target", t.target()).member("duration_ms", t.durationMillis())
                        .member("host", t.host()).member("referer", t.referer()).member("user_agent", t.userAgent())
                        .member("route", t.route()).member("upstream", t.upstream()).member("server", t.server())
                        .member("request_id", t.requestId()).member("tunnel", t.tunnelId())
                        .member("bytes_to_upstream", t.bytesToUpstream()).member("messages_to_upstream", t.messagesToUpstream())
                        .member("bytes_to_client", t.bytesToClient()).member("messages_to_client", t.messagesToClient())
                        .member("client_close_code", t.clientCode()).member("upstream_close_code", t.upstreamCode())
                        .member("reason", t.reason());
            }
            return json.endObject().toString();
        }
    };

    /** nginx's {@code $time_local}: {@code 05/Dec/2026:10:15:42 +0000}. */
    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

    abstract String format(AccessEntry entry);

    private static void head(StringBuilder line, String client, long timeMillis, String request, int status, long bytes,
                             String referer, String userAgent) {
        line.append(client == null ? "-" : client).append(" - - [")
                .append(TIME_LOCAL.format(Instant.ofEpochMilli(timeMillis))).append("] ");
        quoted(line, request);
        line.append(' ').append(status).append(' ').append(bytes).append(' ');
        quoted(line, referer);
        line.append(' ');
        quoted(line, userAgent);
    }

    private static void fields(StringBuilder line, String host, String route, String upstream, String server) {
        line.append(" host=").append(host == null ? "-" : host.replace(' ', '_'))
                .append(" route=").append(route == null ? "-" : route)
                .append(" upstream=").append(upstream == null ? "-" : upstream)
                .append(" server=").append(server == null ? "-" : server);
    }

    /** A quoted field as nginx writes it: "-" when empty; a quote, backslash or control character escaped as \xHH. */
    private static void quoted(StringBuilder line, String value) {
        if (value == null || value.isEmpty()) {
            line.append("\"-\"");
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                line.append("\\x").append(Character.forDigit(c >> 4 & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                line.append(c);
            }
        }
        line.append('"');
    }

    private static String code(int code) {
        return code < 0 ? "-" : Integer.toString(code);
    }
}
