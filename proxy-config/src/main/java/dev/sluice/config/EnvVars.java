package dev.sluice.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes {@code ${VAR}} and {@code ${VAR:-default}} in scalar values. As in a shell,
 * the default is used when VAR is unset or empty; {@code $${} is a literal {@code ${}.
 */
final class EnvVars {
    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvVars() {
    }

    /** @throws IllegalArgumentException naming the unset variable or the malformed reference */
    static String substitute(String text, Map<String, String> env) {
        if (text.indexOf("${") < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        Matcher m = REFERENCE.matcher(text);
        int done = 0;
        while (m.find()) {
            out.append(literal(text, text.substring(done, m.start())));
            done = m.end();
            if (m.group().equals("$${")) {
                out.append("${");
                continue;
            }
            String name = m.group(1);
            String value = env.get(name);
            if (value == null || value.isEmpty() && m.group(2) != null) {
                if (m.group(2) == null) {
                    throw new IllegalArgumentException("environment variable " + name
                            + " is not set (set it, or give a default: ${" + name + ":-value})");
                }
                value = m.group(2);
            }
            out.append(value);
        }
        return out.append(literal(text, text.substring(done))).toString();
    }

    /** Text between references: a "${" left here is a reference that did not parse. */
    private static String literal(String text, String segment) {
        if (segment.contains("${")) {
            throw new IllegalArgumentException("malformed variable reference in '" + text
                    + "' (write ${VAR} or ${VAR:-default}; $${ for a literal ${)");
        }
        return segment;
    }
}
