package dev.sluice.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What {@link ResponseHeadGuard} reads of a response head, and no more: the status code in its
 * first 12 bytes, where the head ends, and which of its lines are framing fields.
 */
final class ResponseHeads {
    /** {@code HTTP/1.1 103}: enough to tell an interim or bodiless answer from any other. */
    static final int STATUS_PREFIX = 12;

    private ResponseHeads() {
    }

    static final int UNDECIDED = -1;
    static final int NOT_A_STATUS_LINE = -2;
    private static final byte[] HTTP_1 = {'H', 'T', 'T', 'P', '/', '1', '.'};

    /** The status code of a head starting {@code HTTP/1.x NNN}, or UNDECIDED, or NOT_A_STATUS_LINE. */
    static int status(byte[] bytes, int length) {
        int checked = Math.min(length, STATUS_PREFIX);
        for (int i = 0; i < checked; i++) {
            if (!fits(i, bytes[i])) {
                return NOT_A_STATUS_LINE;
            }
        }
        if (length < STATUS_PREFIX) {
            return UNDECIDED;
        }
        return (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
    }

    /** The same for the first {@value #STATUS_PREFIX} bytes of {@code buffer} from {@code start}, which must be there. */
    static int status(ByteBuffer buffer, int start) {
        for (int i = 0; i < STATUS_PREFIX; i++) {
            if (!fits(i, buffer.get(start + i))) {
                return NOT_A_STATUS_LINE;
            }
        }
        return (buffer.get(start + 9) - '0') * 100 + (buffer.get(start + 10) - '0') * 10 + (buffer.get(start + 11) - '0');
    }

    /** Whether byte {@code i} of a status line can be {@code b}: {@code HTTP/1.}, a digit, a space, three digits. */
    private static boolean fits(int i, byte b) {
        return i < HTTP_1.length ? b == HTTP_1[i]
                : i == 8 ? b == ' '
                : b >= '0' && b <= '9';
    }

    /** An answer that Undertow frames right: anything but a 1xx, 204 or 304 (and what is no status line at all). */
    static boolean passesAsIs(int status) {
        return status == NOT_A_STATUS_LINE || status < 100 || status >= 200 && status != 204 && status != 304;
    }

    /**
     * Where a head in the {@code length} bytes from {@code start} of {@code buffer} ends (just past
     * its empty line, counted from {@code start}), or -1 when it has not ended yet. LF alone ends a
     * line too. The buffer's position is untouched.
     */
    static int headEnd(ByteBuffer buffer, int start, int length) {
        int lineLength = 0;
        for (int i = 0; i < length; i++) {
            byte b = buffer.get(start + i);
            if (b == '\n') {
                if (lineLength == 0) {
                    return i + 1;
                }
                lineLength = 0;
            } else if (b != '\r') {
                lineLength++;
            }
        }
        return -1;
    }

    /** {@link #headEnd(ByteBuffer, int, int)} of the first {@code length} bytes. */
    static int headEnd(byte[] bytes, int length) {
        return headEnd(ByteBuffer.wrap(bytes), 0, length);
    }

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);

    static boolean isFramingField(byte[] bytes, int from, int to) {
        return startsWithIgnoringCase(bytes, from, to, CONTENT_LENGTH)
                || startsWithIgnoringCase(bytes, from, to, TRANSFER_ENCODING);
    }

    private static boolean startsWithIgnoringCase(byte[] bytes, int from, int to, byte[] lowerCasePrefix) {
        if (to - from < lowerCasePrefix.length) {
            return false;
        }
        for (int i = 0; i < lowerCasePrefix.length; i++) {
            int b = bytes[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCasePrefix[i]) {
                return false;
            }
        }
        return true;
    }
}
