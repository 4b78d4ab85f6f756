package dev.sluice.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where access log lines go and how they read ({@code access-log}: stdout | off | a file path, or
 * {@code { file: PATH | stdout, format: combined | json }}).
 */
public record AccessLogConfig(Target target, Path file, Format format) {
    public enum Target { STDOUT, OFF, FILE }

    /** How a line reads. */
    public enum Format {
        /** nginx's combined format, then Sluice's fields as {@code key=value}. */
        COMBINED("combined"),
        /** One JSON object per line with stable field names, for log shippers. */
        JSON("json");

        private final String yamlName;

        Format(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }

    public static final AccessLogConfig STDOUT = new AccessLogConfig(Target.STDOUT, null, Format.COMBINED);
    public static final AccessLogConfig OFF = new AccessLogConfig(Target.OFF, null, Format.COMBINED);

    public AccessLogConfig {
        Objects.requireNonNull(format, "format");
        if ((target == Target.FILE) != (file != null)) {
            throw new IllegalArgumentException("a file is needed exactly when the target is FILE");
        }
    }

    /** A file in the combined format. */
    public AccessLogConfig(Target target, Path file) {
        this(target, file, Format.COMBINED);
    }
}
