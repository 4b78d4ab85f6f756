package dev.sluice.config;

import java.nio.file.Path;

/** Where access log lines go ({@code access-log}: stdout | off | a file path). */
public record AccessLogConfig(Target target, Path file) {
    public enum Target { STDOUT, OFF, FILE }

    public static final AccessLogConfig STDOUT = new AccessLogConfig(Target.STDOUT, null);
    public static final AccessLogConfig OFF = new AccessLogConfig(Target.OFF, null);

    public AccessLogConfig {
        if ((target == Target.FILE) != (file != null)) {
            throw new IllegalArgumentException("a file is needed exactly when the target is FILE");
        }
    }
}
