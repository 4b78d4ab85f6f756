package dev.sluice.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;

/**
 * Bounds the work an alias can make. The composer links an alias to its anchor's node without
 * copying it, but everything that walks the tree afterwards (the binders, and later the admin
 * API's) visits the anchor's whole subtree once per alias, and aliases nest: twenty of them in
 * a 1 MiB file can make a thousand times its nodes. As the events stream past, this counts how
 * many nodes each anchor stands for (its own plus those of the aliases inside it) and stops at
 * the alias that takes the nodes added through aliases over {@link #MAX_NODES}, as soon as it
 * is read and before anything walks the tree, with the place and key path of that alias. An
 * alias inside the list or mapping it names (a tree that contains itself) is refused the same way.
 */
final class AliasBudget implements Parser {
    static final int MAX_NODES = 100_000;
    // an anchor whose list or mapping is still being read: an alias to it would contain itself
    private static final long OPEN = -1;

    /** An alias that would make too much work; SafeYaml reports it as a problem at its place. */
    static final class Refused extends RuntimeException {
        final Mark mark;
        final String path;

        private Refused(Mark mark, String path, String message) {
            super(message, null, false, false);
            this.mark = mark;
            this.path = path;
        }
    }

    /** A list or mapping being read: how many nodes it stands for so far, and where it is. */
    private static final class Collection {
        final String path;
        final boolean mapping;
        final String anchor;
        long nodes = 1;
        int items; // children read so far: in a mapping, keys and values alternate
        String key = "?";

        Collection(String path, boolean mapping, String anchor) {
            this.path = path;
            this.mapping = mapping;
            this.anchor = anchor;
        }

        /** The key path of the child about to be read. */
        String childPath() {
            if (!mapping) {
                return Paths.index(path, items);
            }
            return items % 2 == 0 ? path : Paths.child(path, key);
        }
    }

    private final Parser delegate;
    private final Map<String, Long> anchorNodes = new HashMap<>();
    private final Deque<Collection> open = new ArrayDeque<>();
    private long throughAliases;

    AliasBudget(Parser delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
        return delegate.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
        return delegate.peekEvent();
    }

    @Override
    public Event getEvent() {
        Event event = delegate.getEvent();
        if (event instanceof CollectionStartEvent start) {
            String path = open.isEmpty() ? "" : open.peek().childPath();
            open.push(new Collection(path, event.is(Event.ID.MappingStart), start.getAnchor()));
            if (start.getAnchor() != null) {
                anchorNodes.put(start.getAnchor(), OPEN);
            }
        } else if (event.is(Event.ID.MappingEnd) || event.is(Event.ID.SequenceEnd)) {
            Collection done = open.pop();
            if (done.anchor != null) {
                anchorNodes.put(done.anchor, done.nodes);
            }
            read(done.nodes, null);
        } else if (event instanceof ScalarEvent scalar) {
            if (scalar.getAnchor() != null) {
                anchorNodes.put(scalar.getAnchor(), 1L);
            }
            read(1, scalar.getValue());
        } else if (event instanceof AliasEvent alias) {
            read(aliasNodes(alias), null);
        }
        return event;
    }

    /** The nodes an alias stands for; an unknown anchor is left for the composer to report. */
    private long aliasNodes(AliasEvent alias) {
        Long nodes = anchorNodes.get(alias.getAnchor());
        if (nodes == null) {
            return 1;
        }
        String path = open.isEmpty() ? "" : open.peek().childPath();
        if (nodes == OPEN) {
            throw new Refused(alias.getStartMark(), path, "alias *" + alias.getAnchor()
                    + " is inside the list or mapping it names (a configuration cannot contain itself)");
        }
        throughAliases += nodes;
        if (throughAliases > MAX_NODES) {
            throw new Refused(alias.getStartMark(), path, "aliases expand to too many nodes (at most "
                    + MAX_NODES + " in all; is this a \"billion laughs\" document?)");
        }
        return nodes;
    }

    /** A child of the innermost open collection has been read whole; {@code key} when a scalar. */
    private void read(long nodes, String scalar) {
        Collection parent = open.peek();
        if (parent == null) {
            return;
        }
        if (parent.mapping && parent.items % 2 == 0) {
            parent.key = scalar == null ? "?" : scalar;
        }
        parent.items++;
        parent.nodes += nodes;
    }
}
