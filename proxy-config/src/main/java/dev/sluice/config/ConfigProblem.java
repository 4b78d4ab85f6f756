package dev.sluice.config;

/**
 * One thing wrong with a configuration, with its place.
 *
 * @param file    the file name as given (or a description of the source)
 * @param line    1-based line, or 0 when the problem has no place (e.g. the file is missing)
 * @param column  1-based column, or 0 likewise
 * @param key     the dotted path of the key, e.g. {@code routes[2].upstream}; empty for the whole file
 * @param message what is wrong and what would be right
 */
public record ConfigProblem(String file, int line, int column, String key, String message) {
    /** {@code FILE:LINE:COLUMN: path.to.key: what is wrong (what would be right)}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line).append(':').append(column);
        }
        s.append(": ");
        if (!key.isEmpty()) {
            s.append(key).append(": ");
        }
        return s.append(message).toString();
    }
}
