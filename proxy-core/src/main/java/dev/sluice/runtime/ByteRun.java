package dev.sluice.runtime;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes kept in order at the front of an array, taken from the front: a head the guard holds,
 * and what waits for its reader (interim and bodiless heads, and the body bytes that came in
 * one read with an ordinary head). They are held only until the reader's next read, so the
 * array is let go as soon as it is empty.
 */
final class ByteRun {
    private static final byte[] NONE = new byte[0];

    private byte[] bytes = NONE;
    private int length;

    int length() {
        return length;
    }

    boolean isEmpty() {
        return length == 0;
    }

    /** The bytes, valid in [0, {@link #length()}). */
    byte[] array() {
        return bytes;
    }

    void add(byte[] source, int from, int count) {
        room(count);
        System.arraycopy(source, from, bytes, length, count);
        length += count;
    }

    /** Copies [from, from + count) of {@code source} without moving its position. */
    void add(ByteBuffer source, int from, int count) {
        room(count);
        source.get(from, bytes, length, count);
        length += count;
    }

    /** Moves as many bytes as fit into {@code dst}; how many. */
    int moveTo(ByteBuffer dst) {
        int n = Math.min(length, dst.remaining());
        if (n > 0) {
            dst.put(bytes, 0, n);
            dropFirst(n);
        }
        return n;
    }

    void dropFirst(int count) {
        System.arraycopy(bytes, count, bytes, 0, length - count);
        length -= count;
        if (length == 0) {
            bytes = NONE;
        }
    }

    void clear() {
        bytes = NONE;
        length = 0;
    }

    private void room(int count) {
        if (bytes.length < length + count) {
            bytes = Arrays.copyOf(bytes, Math.max(length + count, Math.max(256, bytes.length * 2)));
        }
    }
}
