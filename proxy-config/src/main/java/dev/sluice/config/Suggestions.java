package dev.sluice.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for misspelt keys and names: a close match by edit distance. */
final class Suggestions {
    private static final int MAX_DISTANCE = 2;

    private Suggestions() {
    }

    /** The known word closest to {@code typed} (at most 2 edits away, or the same in kebab-case). */
    static Optional<String> closest(String typed, Collection<String> known) {
        String kebab = kebabCase(typed);
        if (known.contains(kebab)) {
            return Optional.of(kebab); // stripPrefix, strip_prefix, Strip-Prefix
        }
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String candidate : known) {
            int d = distance(kebab, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** "did you mean 'x'? " or nothing, ready to prefix a list of what is allowed. */
    static String didYouMean(String typed, Collection<String> known) {
        return closest(typed, known).map(s -> "did you mean '" + s + "'? ").orElse("");
    }

    static String kebabCase(String s) {
        StringBuilder out = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(s.charAt(i - 1))) {
                out.append('-');
            }
            out.append(c == '_' ? '-' : c);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance; the words are short keys, so the quadratic table is fine. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
