package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads typed values out of YAML nodes. Every method either returns the value or reports a
 * positioned problem and returns null; callers build a record only when their part was clean.
 * Scalar values get {@code ${VAR}} substitution first, unless there is no environment: a request
 * body is taken literally.
 */
final class Values {
    private final Problems problems;
    private final Map<String, String> env;

    /** @param env values for {@code ${VAR}} references; null: no substitution, {@code ${} is plain text */
    Values(Problems problems, Map<String, String> env) {
        this.problems = problems;
        this.env = env;
    }

    Problems problems() {
        return problems;
    }

    /** The scalar's text after substitution. */
    String text(Node node, String path) {
        if (!(node instanceof ScalarNode scalar)) {
            problems.at(node, path, "expected a single value, got " + describe(node));
            return null;
        }
        if (env == null) {
            return scalar.getValue();
        }
        try {
            return EnvVars.substitute(scalar.getValue(), env);
        } catch (IllegalArgumentException e) {
            problems.at(node, path, e.getMessage());
            return null;
        }
    }

    /** The scalar's text turned into a value by a parser that throws IllegalArgumentException. */
    <T> T parse(Node node, String path, Function<String, T> parser) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            problems.at(node, path, e.getMessage());
            return null;
        }
    }

    Boolean bool(Node node, String path) {
        return parse(node, path, text -> switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
        });
    }

    Integer integer(Node node, String path, int min, int max) {
        return parse(node, path, text -> {
            if (!text.matches("\\d+")) {
                throw new IllegalArgumentException("expected a whole number, got '" + text + "'");
            }
            long value = text.length() > 18 ? Long.MAX_VALUE : Long.parseLong(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException(text + " is out of range (" + min + ".." + max + ")");
            }
            return (int) value;
        });
    }

    Duration duration(Node node, String path, Duration min, Duration max) {
        return parse(node, path, text -> Units.duration(text, min, max));
    }

    Long size(Node node, String path, long min, long max) {
        return parse(node, path, text -> Units.size(text, min, max));
    }

    /** The items of a list; {@code example} shows the right shape when it is not a list. */
    List<Node> list(Node node, String path, String example) {
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        problems.at(node, path, "expected a list, got " + describe(node) + " (e.g. " + example + ")");
        return null;
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }
}
