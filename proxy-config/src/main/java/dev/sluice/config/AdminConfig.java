package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * The admin listener ({@code admin}): health, readiness, metrics, status, reload and faults. There
 * is none unless the file has an {@code admin} section; it is never bound publicly by default.
 *
 * @param address      where it listens; {@code admin: {}} means {@link #DEFAULT_ADDRESS}. It must not be
 *                     a client listener's address
 * @param allowedHosts the {@code Host} names (no port) the admin API answers; empty: the defaults
 *                     ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}, the bound address, and for a
 *                     wildcard bind the machine's own addresses). Lower-case, IPv6 in brackets
 * @param token        when set, every endpoint but {@code /healthz} and {@code /readyz} wants it, as
 *                     {@code Authorization: Bearer TOKEN} or as the password of HTTP Basic; null: none
 * @param faults       whether {@code /faults} (fault injection at run time) is served: true or false
 *                     as written, null when the file does not say (off, unless the proxy was made
 *                     for tests, which keep it on across reloads)
 */
public record AdminConfig(HostPort address, List<String> allowedHosts, String token, Boolean faults) {
    public static final HostPort DEFAULT_ADDRESS = new HostPort("127.0.0.1", 9901);

    public AdminConfig {
        Objects.requireNonNull(address, "address");
        allowedHosts = List.copyOf(allowedHosts);
        if (token != null && token.isEmpty()) {
            token = null; // ${SLUICE_ADMIN_TOKEN:-} with the variable unset: no token
        }
    }

    /** An admin listener with the default allowed hosts, no token, and /faults as the file leaves it. */
    public AdminConfig(HostPort address) {
        this(address, List.of(), null, null);
    }

    /** Whether {@code /faults} is served. */
    public boolean faultsOn() {
        return Boolean.TRUE.equals(faults);
    }

    /** This admin listener with {@code /faults} on or off. */
    public AdminConfig withFaults(boolean on) {
        return new AdminConfig(address, allowedHosts, token, on);
    }

    /** Without the token: a configuration is printed in logs and reload messages. */
    @Override
    public String toString() {
        return "AdminConfig[address=" + address + ", allowedHosts=" + allowedHosts
                + ", token=" + (token == null ? "none" : "(set)") + ", faults=" + faults + "]";
    }
}
