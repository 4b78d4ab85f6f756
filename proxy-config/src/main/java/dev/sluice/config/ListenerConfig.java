package dev.sluice.config;

import java.util.Objects;

/** One client-facing listener ({@code listeners[]}). Plain HTTP/1.1 for now. */
public record ListenerConfig(HostPort address) {
    /** Used when the file has no {@code listeners} key. */
    public static final ListenerConfig DEFAULT = new ListenerConfig(new HostPort("127.0.0.1", 8080));

    public ListenerConfig {
        Objects.requireNonNull(address, "address");
    }
}
