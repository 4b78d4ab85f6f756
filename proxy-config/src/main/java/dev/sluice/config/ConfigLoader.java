package dev.sluice.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * YAML file to {@link SluiceConfig}: parse everything, validate everything, report every problem.
 *
 * <pre>
 * text -> SafeYaml (node tree with line:column) -> ConfigBinder (+ UpstreamsBinder, RoutesBinder, FaultsBinder)
 *      -> ConfigRules (what spans values) -> SluiceConfig, or ConfigException with every problem in file order
 * </pre>
 * A request body of faults takes the same way with FaultsBinder alone ({@link #parseFaults}).
 */
public final class ConfigLoader {
    private static final long MAX_FILE_BYTES = 4L * SafeYaml.MAX_CODE_POINTS;

    private ConfigLoader() {
    }

    /**
     * Loads and validates a file; {@code ${VAR}} is substituted from the process environment. The
     * config's {@link SluiceConfig#hash()} is of the file's bytes as read, before substitution.
     */
    public static SluiceConfig load(Path file) throws ConfigException {
        return load(file, null);
    }

    /**
     * {@link #load(Path)}, with relative file paths in it (the {@code tls} certificates and keys)
     * resolved against {@code home}: {@code bin/sluice} passes the distribution's home, so
     * {@code conf/tls/cert.pem} works from any working directory.
     *
     * @param home null: relative paths stay relative, to the working directory (a proxy started in code)
     */
    public static SluiceConfig load(Path file, Path home) throws ConfigException {
        String source = file.toString();
        Problems problems = new Problems(source);
        String text = null;
        try {
            if (Files.isDirectory(file)) {
                problems.whole("", "is a directory (give the path of a YAML file)");
            } else if (Files.size(file) > MAX_FILE_BYTES) {
                problems.whole("", "too large (more than " + MAX_FILE_BYTES + " bytes; a configuration is far smaller)");
            } else {
                text = Files.readString(file);
            }
        } catch (NoSuchFileException e) {
            problems.whole("", "no such file (check the path, or pass the configuration with -c FILE)");
        } catch (CharacterCodingException e) {
            problems.whole("", "cannot read the file: it is not UTF-8 text");
        } catch (AccessDeniedException e) {
            problems.whole("", "cannot read the file: permission denied");
        } catch (IOException e) {
            problems.whole("", "cannot read the file (" + e.getMessage() + ")");
        }
        if (problems.any()) {
            throw problems.exception();
        }
        return parse(text, source, System.getenv(), home);
    }

    /**
     * Validates YAML (or JSON, which is YAML) text. The config's {@link SluiceConfig#hash()} is of
     * the text's UTF-8 bytes, before {@code ${VAR}} substitution.
     *
     * @param sourceName names the text in problems, e.g. the file path or "POST /faults"
     * @param env        values for {@code ${VAR}} references
     */
    public static SluiceConfig parse(String yamlText, String sourceName, Map<String, String> env)
            throws ConfigException {
        return parse(yamlText, sourceName, env, null);
    }

    /**
     * {@link #parse(String, String, Map)}, relative file paths resolved against {@code home} (see
     * {@link #load(Path, Path)}); null leaves them relative to the working directory.
     */
    public static SluiceConfig parse(String yamlText, String sourceName, Map<String, String> env, Path home)
            throws ConfigException {
        Problems problems = new Problems(sourceName);
        Node root = SafeYaml.compose(yamlText, problems);
        SluiceConfig config = null;
        if (!problems.any()) {
            ConfigBinder binder = new ConfigBinder(new Values(problems, env), home);
            config = binder.bind(root, sourceName, SluiceConfig.hashOf(yamlText));
            // also when binding found problems: every problem in the file is reported at once
            ConfigRules.check(binder.ruleInputs(), problems);
        }
        if (problems.any() || config == null) {
            throw problems.exception();
        }
        return config;
    }

    /**
     * The body of {@code POST /faults}: JSON (or YAML) holding one fault, as in a file's
     * {@code faults} list, or a list of them. Problems read {@code SOURCE:LINE:COLUMN: key: message}
     * with the key path inside the body: {@code latency} for one fault, {@code [1].latency} in a
     * list. A body is taken literally: {@code ${VAR}} is not substituted (the environment is the
     * proxy's, not the caller's). Names are checked to be unique within the body only; against
     * the faults already active is the caller's business.
     *
     * @param sourceName names the body in problems, e.g. "POST /faults"
     * @param routePaths the match paths of the running routes, which a fault's {@code route} must
     *                   be one of; null: not checked
     * @return the faults in body order, at least one
     */
    public static List<FaultConfig> parseFaults(String text, String sourceName, Collection<String> routePaths)
            throws ConfigException {
        Problems problems = new Problems(sourceName);
        Node root = SafeYaml.compose(text, problems);
        List<FaultConfig> faults = null;
        if (!problems.any()) {
            if (root == null || YamlMapping.isNull(root)) {
                problems.whole("", "empty body (send one fault, e.g. {\"type\": \"latency\", \"latency\": \"200ms\"},"
                        + " or a list of them)");
            } else {
                TagCheck.check(root, problems);
                ConfigRules.Inputs ruleInputs = new ConfigRules.Inputs();
                ruleInputs.routePaths(routePaths);
                faults = new FaultsBinder(new Values(problems, null), ruleInputs).bindBody(root);
                ConfigRules.check(ruleInputs, problems);
            }
        }
        if (problems.any() || faults == null) {
            throw problems.exception();
        }
        return faults;
    }

    /**
     * The body of {@code POST /upstreams/NAME/servers/SERVER/drain}: empty, or JSON (or YAML)
     * {@code {"deadline": "5m"}}, after which the server's open tunnels are closed.
     *
     * @return the deadline, or null when none was given (tunnels stay until they close)
     */
    public static java.time.Duration parseDrain(String text, String sourceName) throws ConfigException {
        Problems problems = new Problems(sourceName);
        Node root = text.isBlank() ? null : SafeYaml.compose(text, problems);
        java.time.Duration deadline = null;
        if (!problems.any() && root != null && !YamlMapping.isNull(root)) {
            TagCheck.check(root, problems);
            YamlMapping m = YamlMapping.read(root, "", new Values(problems, null), YamlMapping.Keys.of("deadline"),
                    "{\"deadline\": \"5m\"}");
            if (m != null) {
                deadline = m.duration("deadline", null, java.time.Duration.ZERO, java.time.Duration.ofDays(7));
            }
        }
        if (problems.any()) {
            throw problems.exception();
        }
        return deadline;
    }
}
