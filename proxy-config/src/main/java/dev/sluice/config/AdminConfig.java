package dev.sluice.config;

import java.util.Objects;

/**
 * The admin listener ({@code admin}): health, readiness, metrics, status, reload and faults. There
 * is none unless the file has an {@code admin} section; it is never bound publicly by default.
 *
 * @param address where it listens; {@code admin: {}} means {@link #DEFAULT_ADDRESS}. It must not be
 *                a client listener's address
 */
public record AdminConfig(HostPort address) {
    public static final HostPort DEFAULT_ADDRESS = new HostPort("127.0.0.1", 9901);

    public AdminConfig {
        Objects.requireNonNull(address, "address");
    }
}
