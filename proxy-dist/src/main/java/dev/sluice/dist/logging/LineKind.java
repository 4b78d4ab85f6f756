package dev.sluice.dist.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * What makes two log lines "the same" for folding: one logger, level and message template (the
 * format string before its arguments, so one call site), and one log id. The id is the
 * template's first word with its arguments filled in: ErrorResponses' {@code "{} {} {} -> ..."}
 * with the ids SLU1404 and SLU1520 makes two kinds, while the request ids and URIs later in the line never split a kind.
 *
 * @param variableId the first word when the template's first word has a placeholder, else null
 *                   (the template alone fixes it, and a line costs no string)
 */
record LineKind(Logger logger, Level level, String template, String variableId) {

    static LineKind of(Logger logger, Level level, String template, Object[] arguments) {
        int end = firstWordEnd(template);
        String variableId = hasPlaceholder(template, end) && arguments != null
                ? MessageFormatter.basicArrayFormat(template.substring(0, end), arguments)
                : null;
        return new LineKind(logger, level, template, variableId);
    }

    /** The log id as written, e.g. {@code SLU1404}. */
    String id() {
        return variableId != null ? variableId : template.substring(0, firstWordEnd(template));
    }

    private static int firstWordEnd(String template) {
        int space = template.indexOf(' ');
        return space < 0 ? template.length() : space;
    }

    private static boolean hasPlaceholder(String template, int end) {
        int brace = template.indexOf('{');
        return brace >= 0 && brace + 1 < end && template.charAt(brace + 1) == '}';
    }
}
