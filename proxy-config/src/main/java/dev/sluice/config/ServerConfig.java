package dev.sluice.config;

import java.net.URI;
import java.util.Objects;

/**
 * One upstream server ({@code upstreams.NAME.servers[]}).
 *
 * @param url   {@code http://host:port}; a path, query or fragment is not allowed
 * @param route Tomcat {@code jvmRoute} of this server for sticky sessions, or null
 */
public record ServerConfig(URI url, String route) {
    public ServerConfig {
        Objects.requireNonNull(url, "url");
    }
}
