package dev.sluice.config;

import java.util.Objects;

/** The admin listener ({@code admin}); absent means no admin listener. */
public record AdminConfig(HostPort address) {
    public AdminConfig {
        Objects.requireNonNull(address, "address");
    }
}
