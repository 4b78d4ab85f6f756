package dev.sluice.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A reproducible stream of pseudo-random bytes: the backend and the test generate the same
 * content from the same seed, so a multi-megabyte body never has to sit in memory to be compared.
 */
final class DeterministicBytes {
    private final long seed;
    private long position;
    private long word;

    DeterministicBytes(long seed) {
        this.seed = seed;
    }

    /** The next {@code length} bytes of the stream; how the stream is cut into pieces does not matter. */
    byte[] next(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++, position++) {
            if (position % 8 == 0) {
                word = mix(seed + position / 8);
            }
            bytes[i] = (byte) (word >>> (8 * (position % 8)));
        }
        return bytes;
    }

    /** SplitMix64's finaliser: a well-spread word for each index. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Hex SHA-256 of the first {@code total} bytes of the stream for {@code seed}. */
    static String sha256(long seed, long total, int chunk) {
        DeterministicBytes bytes = new DeterministicBytes(seed);
        MessageDigest digest = newSha256();
        for (long done = 0; done < total; done += chunk) {
            digest.update(bytes.next((int) Math.min(chunk, total - done)));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
