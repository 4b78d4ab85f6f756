package dev.sluice.config;

import java.util.Locale;

/** Which way a fault ({@code faults[].direction}) acts on a tunnel's bytes. */
public enum FaultDirection {
    /** Bytes and messages from the client to the upstream. */
    TO_UPSTREAM,
    /** Bytes and messages from the upstream to the client. */
    TO_CLIENT,
    /** Both ways (the default). */
    BOTH;

    /** The name in YAML and JSON, e.g. {@code to-client}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether a fault with this direction acts on bytes going {@code towardsUpstream} (true) or to the client. */
    public boolean includes(boolean towardsUpstream) {
        return this == BOTH || (this == TO_UPSTREAM) == towardsUpstream;
    }

    @Override
    public String toString() {
        return yamlName();
    }
}
