package dev.sluice.config;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping checked against the keys allowed there: unknown keys (with "did you mean"),
 * keys planned but not implemented yet, and duplicate keys are reported once, when it is read;
 * the getters then see only the good keys. A key whose value is YAML null counts as absent.
 */
final class YamlMapping {
    /** The keys allowed in one kind of mapping; {@code ANY} for maps of names such as upstreams. */
    record Keys(List<String> allowed, Set<String> notYet) {
        static final Keys ANY = new Keys(null, Set.of());

        static Keys of(String... allowed) {
            return new Keys(List.of(allowed), Set.of());
        }

        Keys notYetSupported(String... keys) {
            return new Keys(allowed, Set.of(keys));
        }
    }

    private final MappingNode node;
    private final String path;
    private final Values values;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    // keys an unknown key was said to be a misspelling of: not reported again as missing
    private final Set<String> suggested = new HashSet<>();

    private YamlMapping(MappingNode node, String path, Values values) {
        this.node = node;
        this.path = path;
        this.values = values;
    }

    /** Reads a mapping, or reports what was there instead and returns null. */
    static YamlMapping read(Node node, String path, Values values, Keys keys, String example) {
        if (!(node instanceof MappingNode mapping)) {
            values.problems().at(node, path, "expected a mapping, got " + Values.describe(node)
                    + " (e.g. " + example + ")");
            return null;
        }
        YamlMapping result = new YamlMapping(mapping, path, values);
        result.checkKeys(keys);
        return result;
    }

    private void checkKeys(Keys keys) {
        Problems problems = values.problems();
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar) || keyNode.getTag().equals(Tag.MERGE)) {
                problems.at(keyNode, path, "keys are plain names, got " + Values.describe(keyNode));
                continue;
            }
            String key = scalar.getValue();
            String keyPath = Paths.child(path, key);
            NodeTuple first = entries.get(key);
            if (first != null) {
                problems.at(keyNode, keyPath, "duplicate key '" + key + "' (first at line "
                        + (first.getKeyNode().getStartMark().getLine() + 1) + "; keep one)");
            } else if (keys.notYet().contains(key)) {
                problems.at(keyNode, keyPath, notYetSupported(key));
                entries.put(key, null); // a second one is still a duplicate, but nobody reads it
            } else if (keys.allowed() != null && !keys.allowed().contains(key)) {
                Suggestions.closest(key, keys.allowed()).ifPresent(suggested::add);
                problems.at(keyNode, keyPath, "unknown key '" + key + "' ("
                        + Suggestions.didYouMean(key, keys.allowed())
                        + "allowed here: " + String.join(", ", keys.allowed()) + ")");
                entries.put(key, null);
            } else {
                entries.put(key, tuple);
            }
        }
    }

    static String notYetSupported(String what) {
        return what + " is not supported yet in this version of Sluice (remove it)";
    }

    String path() {
        return path;
    }

    MappingNode node() {
        return node;
    }

    String path(String key) {
        return Paths.child(path, key);
    }

    /** The good keys, in file order. */
    Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        entries.forEach((k, v) -> {
            if (v != null) {
                keys.add(k);
            }
        });
        return Collections.unmodifiableSet(keys);
    }

    /** The value node, or null when the key is absent (or its value is YAML null). */
    Node value(String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return null;
        }
        return tuple.getValueNode();
    }

    Node keyNode(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getKeyNode();
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    /** Whether an unknown key was said to be a misspelling of this one (so it is not reported missing again). */
    boolean wasSuggested(String key) {
        return suggested.contains(key);
    }

    /** Reports a required key as missing: at its key when written empty, else at this mapping. */
    void missing(String key, String example) {
        if (wasSuggested(key)) {
            return; // "unknown key 'upstrem' (did you mean 'upstream'?)" already said it
        }
        Node at = keyNode(key) != null ? keyNode(key) : node;
        values.problems().at(at, path(key), "missing (e.g. " + example + ")");
    }

    String requiredText(String key, String example) {
        Node value = value(key);
        if (value == null) {
            missing(key, example);
            return null;
        }
        return values.text(value, path(key));
    }

    String text(String key, String otherwise) {
        Node value = value(key);
        return value == null ? otherwise : values.text(value, path(key));
    }

    Boolean bool(String key, boolean otherwise) {
        Node value = value(key);
        return value == null ? Boolean.valueOf(otherwise) : values.bool(value, path(key));
    }

    Integer integer(String key, int otherwise, int min, int max) {
        Node value = value(key);
        return value == null ? Integer.valueOf(otherwise) : values.integer(value, path(key), min, max);
    }

    Duration duration(String key, Duration otherwise, Duration min, Duration max) {
        Node value = value(key);
        return value == null ? otherwise : values.duration(value, path(key), min, max);
    }

    Long size(String key, long otherwise, long min, long max) {
        Node value = value(key);
        return value == null ? Long.valueOf(otherwise) : values.size(value, path(key), min, max);
    }
}
