package dev.sluice.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Collects every problem found in one source; sorted into file order when the loader throws. */
final class Problems {
    private final String file;
    private final List<ConfigProblem> found = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    /** A problem with a value (or a key) in the file: the node's start is its place. */
    void at(Node node, String key, String message) {
        at(node.getStartMark(), key, message);
    }

    void at(Mark mark, String key, String message) {
        if (mark == null) {
            whole(key, message);
        } else {
            found.add(new ConfigProblem(file, mark.getLine() + 1, mark.getColumn() + 1, key, message));
        }
    }

    /** A problem with no place in the file (line 0), e.g. the file cannot be read. */
    void whole(String key, String message) {
        found.add(new ConfigProblem(file, 0, 0, key, message));
    }

    /** A mark for {@link #addedSince}: binders build a record only when their part was clean. */
    int count() {
        return found.size();
    }

    boolean addedSince(int count) {
        return found.size() > count;
    }

    boolean any() {
        return !found.isEmpty();
    }

    ConfigException exception() {
        List<ConfigProblem> sorted = new ArrayList<>(found);
        // stable sort: problems at the same place keep the order they were found in
        sorted.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        return new ConfigException(sorted);
    }
}
