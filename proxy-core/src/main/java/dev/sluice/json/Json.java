package dev.sluice.json;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;

/**
 * Just enough JSON writing for the admin API and the recording's HAR files: objects, arrays,
 * strings, numbers, booleans, null. A long document is written as it goes with
 * {@link #drainTo}, which hands on the text so far and starts afresh from there.
 */
public final class Json {
    private final StringBuilder out = new StringBuilder(1024);
    /** Whether the next value or member needs a comma before it. */
    private boolean comma;

    public Json beginObject() {
        separate();
        out.append('{');
        comma = false;
        return this;
    }

    public Json endObject() {
        out.append('}');
        comma = true;
        return this;
    }

    public Json beginArray() {
        separate();
        out.append('[');
        comma = false;
        return this;
    }

    public Json endArray() {
        out.append(']');
        comma = true;
        return this;
    }

    /** A member name; the value follows. */
    public Json name(String name) {
        separate();
        string(name);
        out.append(':');
        comma = false;
        return this;
    }

    public Json value(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        comma = true;
        return this;
    }

    public Json value(long value) {
        separate();
        out.append(value);
        comma = true;
        return this;
    }

    /** A number as plain decimal digits, e.g. 0.25 or 1 (never an exponent). */
    public Json value(double value) {
        return value(BigDecimal.valueOf(value).stripTrailingZeros());
    }

    /** A decimal number written in plain notation (never with an exponent), e.g. {@code 1700000000.123456}. */
    public Json value(BigDecimal value) {
        separate();
        out.append(value == null ? "null" : value.toPlainString());
        comma = true;
        return this;
    }

    public Json value(boolean value) {
        separate();
        out.append(value);
        comma = true;
        return this;
    }

    public Json member(String name, String value) {
        return name(name).value(value);
    }

    public Json member(String name, long value) {
        return name(name).value(value);
    }

    public Json member(String name, double value) {
        return name(name).value(value);
    }

    public Json member(String name, BigDecimal value) {
        return name(name).value(value);
    }

    public Json member(String name, boolean value) {
        return name(name).value(value);
    }

    private void separate() {
        if (comma) {
            out.append(',');
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<') { // '<' escaped so that no text closes a <script> when embedded
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Moves the text written so far to {@code out}; writing goes on where it stopped. */
    public Json drainTo(Writer out) throws IOException {
        if (this.out.length() > 0) {
            out.write(this.out.toString());
            this.out.setLength(0);
        }
        return this;
    }

    /** How many characters are written and not drained yet. */
    public int pending() {
        return out.length();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
