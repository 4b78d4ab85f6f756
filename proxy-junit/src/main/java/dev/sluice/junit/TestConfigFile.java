package dev.sluice.junit;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A test's YAML configuration: a class path resource, else a file. {@code ${VAR}} takes system
 * properties first, then the environment, so that a test can hand over a port it got at run time
 * ({@code System.setProperty("BACKEND_PORT", ...)}).
 */
final class TestConfigFile {
    private TestConfigFile() {
    }

    /** A proxy from the file that records as a builder's does: exchanges and message metadata. */
    static Sluice start(String location, ClassLoader loader) {
        return Sluice.start(Sluice.recorded(load(location, loader)));
    }

    static SluiceConfig load(String location, ClassLoader loader) {
        URL resource = loader.getResource(location.startsWith("/") ? location.substring(1) : location);
        Path file = Path.of(location);
        String source;
        String text;
        try {
            if (resource != null) {
                source = "classpath:" + location;
                try (InputStream in = resource.openStream()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } else if (Files.isRegularFile(file)) {
                source = file.toString();
                text = Files.readString(file);
            } else {
                throw new ExtensionConfigurationException("Sluice config " + location
                        + " is neither a class path resource nor a file (relative to " + Path.of("").toAbsolutePath() + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Sluice config " + location, e);
        }
        try {
            return ConfigLoader.parse(text, source, variables());
        } catch (ConfigException e) {
            throw new ExtensionConfigurationException("Sluice config " + source + " cannot be used:\n" + e.getMessage(), e);
        }
    }

    private static Map<String, String> variables() {
        Map<String, String> variables = new HashMap<>(System.getenv());
        for (String name : System.getProperties().stringPropertyNames()) {
            variables.put(name, System.getProperty(name));
        }
        return variables;
    }
}
