package dev.sluice.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** File paths written in the configuration, relative ones resolved against the home, wherever they appear. */
final class FilePaths {
    private final Values values;
    private final Path home;

    /** @param home what relative paths in the file are against; null: the working directory (left relative) */
    FilePaths(Values values, Path home) {
        this.values = values;
        this.home = home;
    }

    /** This path, resolved against the home when it is relative. */
    Path resolve(Path path) {
        return home == null || path.isAbsolute() ? path : home.resolve(path);
    }

    /** A required file path, resolved against the home when relative; null (and a problem) when missing or bad. */
    Path required(YamlMapping m, String key, String example) {
        if (m.value(key) == null) {
            m.missing(key, example);
            return null;
        }
        return values.parse(m.value(key), m.path(key), text -> {
            if (text.isBlank()) {
                throw new IllegalArgumentException("empty (give a file path, e.g. " + example + ")");
            }
            try {
                return resolve(Path.of(text));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'" + text + "' is not a file path (" + e.getReason() + ")");
            }
        });
    }
}
