package dev.sluice.config;

/** In-process upstreams that ship with Sluice ({@code upstreams.NAME.builtin}). */
public enum Builtin {
    /** HTTP: a demo page and a request echo; WebSocket: echoes every message. */
    ECHO;

    /** The spelling used in YAML. */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
