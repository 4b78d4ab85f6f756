package dev.sluice.config;

/** How an upstream picks a server for a request or handshake without a sticky route ({@code balance}). */
public enum Balance {
    /** In turn, each server as often as its {@code weight} says (nginx's smooth weighted round-robin). */
    ROUND_ROBIN("round-robin"),
    /** The server with the fewest open requests and tunnels for its weight. */
    LEAST_CONNECTIONS("least-connections");

    private final String yamlName;

    Balance(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }
}
