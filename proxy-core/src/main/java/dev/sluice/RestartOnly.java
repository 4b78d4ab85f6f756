package dev.sluice;

import dev.sluice.config.ListenerConfig;
import dev.sluice.config.SluiceConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a reload cannot change: what the listening sockets and Undertow's request parser were
 * started with, the access log that is open, and the recording.
 */
final class RestartOnly {
    private RestartOnly() {
    }

    /** Each setting that differs between the running and the new configuration, with both values. */
    static List<String> changes(SluiceConfig running, SluiceConfig next) {
        List<String> changes = new ArrayList<>();
        // A TLS listener's certificates, protocols and ciphers are swapped on reload: only its address, and
        // whether it speaks TLS at all, need a restart.
        compare(changes, "listeners", running.listeners().stream().map(ListenerConfig::restartKey).toList(),
                next.listeners().stream().map(ListenerConfig::restartKey).toList());
        // The admin API's token and allowed hosts are read per request: only where it listens needs a restart.
        compare(changes, "admin.address", running.admin() == null ? null : running.admin().address(),
                next.admin() == null ? null : next.admin().address());
        compare(changes, "limits.max-request-header-size", running.limits().maxRequestHeaderSize(),
                next.limits().maxRequestHeaderSize());
        compare(changes, "limits.request-header-timeout", running.limits().requestHeaderTimeout(),
                next.limits().requestHeaderTimeout());
        compare(changes, "access-log", running.accessLog(), next.accessLog());
        compare(changes, "recording", running.recording(), next.recording());
        return changes;
    }

    private static void compare(List<String> changes, String key, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            changes.add(key + " changed from " + running + " to " + next);
        }
    }
}
