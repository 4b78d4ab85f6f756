package dev.sluice.config;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reports every node with a tag that plain YAML would not give it, such as {@code !!java...} or {@code !foo}. */
final class TagCheck {
    private static final Set<Tag> PLAIN = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL,
            Tag.TIMESTAMP, Tag.SEQ, Tag.MAP, Tag.MERGE);

    private final Problems problems;
    // an alias makes one node appear in several places: check it once
    private final Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    private TagCheck(Problems problems) {
        this.problems = problems;
    }

    static void check(Node root, Problems problems) {
        new TagCheck(problems).visit(root, "");
    }

    private void visit(Node node, String path) {
        if (!seen.add(node)) {
            return;
        }
        if (!PLAIN.contains(node.getTag())) {
            problems.at(node, path, "custom tag '" + spelling(node.getTag())
                    + "' is not allowed (remove it: Sluice reads plain YAML only)");
        }
        if (node instanceof SequenceNode sequence) {
            for (int i = 0; i < sequence.getValue().size(); i++) {
                visit(sequence.getValue().get(i), Paths.index(path, i));
            }
        } else if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                Node key = tuple.getKeyNode();
                visit(key, path);
                String name = key instanceof ScalarNode scalar ? scalar.getValue() : "?";
                visit(tuple.getValueNode(), Paths.child(path, name));
            }
        }
    }

    private static String spelling(Tag tag) {
        String value = tag.getValue();
        return value.startsWith(Tag.PREFIX) ? "!!" + value.substring(Tag.PREFIX.length()) : value;
    }
}
