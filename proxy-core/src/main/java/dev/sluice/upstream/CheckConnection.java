package dev.sluice.upstream;

import org.xnio.OptionMap;

import java.util.Objects;

/**
 * How a health check opens its connection: the URI scheme by which Undertow's client picks the
 * provider, and that connection's options. An {@code https://} server is checked over TLS with
 * the same trust and name its requests get; this package only passes them through.
 */
public record CheckConnection(String scheme, OptionMap options) {
    /** Plain HTTP by Undertow's own client provider. */
    public static final CheckConnection PLAIN = new CheckConnection("http", OptionMap.EMPTY);

    public CheckConnection {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(options, "options");
    }
}
