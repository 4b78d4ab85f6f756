package dev.sluice.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML text to a node tree, and nothing more: the tree keeps each node's line and column, and
 * no object is ever constructed from it (so no tag can instantiate a class). Limits keep
 * hostile input cheap: size, nesting depth, aliases to collections, and the nodes aliases add
 * ({@link AliasBudget}: the "billion laughs" within the alias limit).
 */
final class SafeYaml {
    static final int MAX_CODE_POINTS = 1024 * 1024;
    static final int MAX_COLLECTION_ALIASES = 20;
    static final int MAX_NESTING = 30;

    private SafeYaml() {
    }

    /** The document's root node, or null when it is empty or could not be read (a problem says so). */
    static Node compose(String text, Problems problems) {
        if (text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            problems.whole("", "too large (more than " + MAX_CODE_POINTS + " characters; a configuration is far smaller)");
            return null;
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        options.setMergeOnCompose(true);
        // Tags are only ever read, never acted on; TagCheck reports the non-standard ones with
        // their place, all of them, instead of the composer stopping at the first.
        options.setTagInspector(tag -> true);
        RecordingParser parser = new RecordingParser(
                new AliasBudget(new ParserImpl(new StreamReader(text), options)));
        try {
            return new Composer(parser, new Resolver(), options).getSingleNode();
        } catch (AliasBudget.Refused e) {
            problems.at(e.mark, e.path, e.getMessage());
        } catch (MarkedYAMLException e) {
            problems.at(e.getProblemMark(), "", syntaxMessage(e));
        } catch (YAMLException e) {
            // limits are checked without a mark; the event just read is where the limit was hit
            problems.at(parser.lastMark, "", limitMessage(e));
        }
        return null;
    }

    private static String syntaxMessage(MarkedYAMLException e) {
        if ("expected a single document in the stream".equals(e.getContext())) {
            return "YAML syntax error: a second document (a configuration is one document: remove the '---')";
        }
        String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
        StringBuilder s = new StringBuilder("YAML syntax error: ").append(problem);
        Mark context = e.getContextMark();
        if (e.getContext() != null) {
            s.append(" (").append(e.getContext());
            if (context != null && (e.getProblemMark() == null || context.getIndex() != e.getProblemMark().getIndex())) {
                s.append(" at line ").append(context.getLine() + 1).append(", column ").append(context.getColumn() + 1);
            }
            s.append(")");
        }
        return s.toString();
    }

    private static String limitMessage(YAMLException e) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("Number of aliases")) {
            return "too many aliases to lists or mappings (at most " + MAX_COLLECTION_ALIASES
                    + "; is this a \"billion laughs\" document?)";
        }
        if (m.startsWith("Nesting Depth")) {
            return "nested too deeply (at most " + MAX_NESTING + " levels)";
        }
        return "cannot read YAML: " + m;
    }

    /** Remembers where the last event handed to the composer started. */
    private static final class RecordingParser implements Parser {
        private final Parser delegate;
        private Mark lastMark;

        RecordingParser(Parser delegate) {
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
            lastMark = event.getStartMark();
            return event;
        }
    }
}
