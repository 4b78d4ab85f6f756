package dev.sluice.config;

/** Builds the dotted key paths used in problems, e.g. {@code routes[2].match.path}. */
final class Paths {
    private Paths() {
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
