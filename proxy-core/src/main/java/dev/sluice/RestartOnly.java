package dev.sluice;

import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RecordingConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.Units;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a reload cannot change: what the listening sockets and Undertow's request parser were
 * started with, the access log that is open, and the recording. Each change is told in the
 * file's terms, key and values as the operator wrote them.
 */
final class RestartOnly {
    private static final String RESTART = ": restart to change it";

    private RestartOnly() {
    }

    /** Each setting that differs between the running and the new configuration, with both values. */
    static List<String> changes(SluiceConfig running, SluiceConfig next) {
        List<String> changes = new ArrayList<>();
        listeners(changes, running.listeners(), next.listeners());
        // The admin API's token and allowed hosts are read per request: only where it listens needs a restart.
        compare(changes, "admin.address", running.admin() == null ? "none" : running.admin().address().toString(),
                next.admin() == null ? "none" : next.admin().address().toString());
        compare(changes, "limits.max-request-header-size", Units.formatSize(running.limits().maxRequestHeaderSize()),
                Units.formatSize(next.limits().maxRequestHeaderSize()));
        compare(changes, "limits.request-header-timeout", Units.format(running.limits().requestHeaderTimeout()),
                Units.format(next.limits().requestHeaderTimeout()));
        compare(changes, "access-log", accessLog(running.accessLog()), accessLog(next.accessLog()));
        compare(changes, "recording", recording(running.recording()), recording(next.recording()));
        return changes;
    }

    /**
     * A TLS listener's certificates, protocols and ciphers, its hsts and redirect are swapped on
     * reload: only its address, and whether it speaks TLS, HTTP/2 or the PROXY protocol, need a restart.
     */
    private static void listeners(List<String> changes, List<ListenerConfig> running, List<ListenerConfig> next) {
        if (running.size() != next.size()) {
            changes.add("listeners: " + next.size() + (next.size() == 1 ? " listener" : " listeners") + " where "
                    + running.size() + " run" + RESTART);
            return;
        }
        for (int i = 0; i < running.size(); i++) {
            ListenerConfig was = running.get(i);
            ListenerConfig now = next.get(i);
            String at = "listeners[" + i + "].";
            compare(changes, at + "address", was.address().toString(), now.address().toString());
            compare(changes, at + "tls", was.isTls() ? "on" : "off", now.isTls() ? "on" : "off");
            compare(changes, at + "http2", http2(was), http2(now));
            compare(changes, at + "proxy-protocol", String.valueOf(was.proxyProtocol()), String.valueOf(now.proxyProtocol()));
        }
    }

    private static String http2(ListenerConfig listener) {
        return listener.http2() == null ? "off" : "{ max-concurrent-streams: " + listener.http2().maxConcurrentStreams() + " }";
    }

    private static String accessLog(AccessLogConfig log) {
        String target = switch (log.target()) {
            case OFF -> "off";
            case STDOUT -> "stdout";
            case FILE -> log.file().toString();
        };
        return log.target() == AccessLogConfig.Target.OFF || log.format() == AccessLogConfig.Format.COMBINED ? target
                : "{ file: " + target + ", format: " + log.format().yamlName() + " }";
    }

    private static String recording(RecordingConfig recording) {
        return recording == null ? "off" : "{ payloads: " + Units.formatSize(recording.payloadBytes()) + ", budget: "
                + Units.formatSize(recording.budgetBytes()) + ", keep-secrets: " + recording.keepSecrets() + " }";
    }

    private static void compare(List<String> changes, String key, String running, String next) {
        if (!Objects.equals(running, next)) {
            changes.add(key + " changed from " + running + " to " + next + RESTART);
        }
    }
}
