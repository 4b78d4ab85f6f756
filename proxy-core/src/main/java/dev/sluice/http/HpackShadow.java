package dev.sluice.http;

import io.undertow.protocols.http2.HpackDecoder;
import io.undertow.protocols.http2.HpackException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Decodes a client's header blocks with a second copy of Undertow's own HPACK decoder, ahead of
 * Undertow's, so that a block Undertow 2.4.4 fails on with an unchecked exception is refused
 * first, quietly: an indexed field past the dynamic table makes its decoder throw a
 * {@code NullPointerException} that Undertow logs with a stack trace (any client can do that, on
 * every connection). Both decoders see the same bytes in the same order and start from the same
 * empty table, so they agree on every block; a block this copy rejects with an
 * {@link HpackException} is left to Undertow, which answers it with a protocol error.
 *
 * <p>It is fed the payload bytes of HEADERS and CONTINUATION frames as they arrive, and decodes
 * what it can at once: Undertow decodes as bytes arrive, too.
 */
final class HpackShadow {
    private static final int HEADERS = 0x1;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    private static final int END_HEADERS = 0x4;
    /** Undertow's server decoder's table size: {@code HTTP2_SETTINGS_HEADER_TABLE_SIZE}, which Sluice leaves at HPACK's default. */
    private static final int TABLE_SIZE = 4096;

    private final HpackDecoder decoder = new HpackDecoder(TABLE_SIZE);
    /** Undecoded bytes of the current block; grows as a field spans more bytes. */
    private ByteBuffer pending = ByteBuffer.allocate(256);
    /** Set once this copy rejected a block: Undertow ends the connection then, and tables may differ. */
    private boolean done;

    private boolean headersFrame;
    private boolean endsBlock;
    private long length;
    private long offset;
    /** Where the fragment starts and ends in the frame's payload; -1 until a padded frame's pad length is read. */
    private long fragmentStart;
    private long fragmentEnd;

    HpackShadow() {
        decoder.setHeaderEmitter((name, value, neverIndex) -> {
        });
    }

    /** A HEADERS or CONTINUATION frame begins; its payload follows through {@link #payload}. */
    void frame(int type, int flags, long payloadLength) throws IOException {
        headersFrame = type == HEADERS;
        endsBlock = (flags & END_HEADERS) != 0;
        length = payloadLength;
        offset = 0;
        boolean padded = headersFrame && (flags & PADDED) != 0;
        fragmentStart = (padded ? 1 : 0) + (headersFrame && (flags & PRIORITY) != 0 ? 5 : 0);
        fragmentEnd = padded ? -1 : length;
        if (length == 0) {
            decode(endsBlock);
        }
    }

    /** Bytes {@code from..to} (absolute) of {@code buffer} are the next of the frame's payload. */
    void payload(ByteBuffer buffer, int from, int to) throws IOException {
        if (done) {
            return;
        }
        if (from == to) {
            return;
        }
        if (fragmentEnd < 0 && offset == 0) {
            fragmentEnd = Math.max(fragmentStart, length - (buffer.get(from) & 0xFF)); // the pad length
        }
        long start = Math.max(offset, fragmentStart);
        long end = Math.min(offset + (to - from), fragmentEnd);
        if (end > start) {
            append(buffer, from + (int) (start - offset), (int) (end - start));
        }
        offset += to - from;
        decode(endsBlock && offset == length);
    }

    private void append(ByteBuffer src, int at, int count) {
        if (pending.remaining() < count) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + count));
            pending.flip();
            larger.put(pending);
            pending = larger;
        }
        pending.put(pending.position(), src, at, count);
        pending.position(pending.position() + count);
    }

    private void decode(boolean blockComplete) throws IOException {
        if (done) {
            return;
        }
        pending.flip();
        try {
            decoder.decode(pending, !blockComplete);
        } catch (HpackException e) {
            done = true; // Undertow's decoder fails the same way, and answers it
        } catch (RuntimeException e) {
            done = true;
            throw new IOException("the client's header block is not valid HPACK (" + e + ")");
        } finally {
            pending.compact();
        }
        if (blockComplete && pending.capacity() > 256) {
            pending = ByteBuffer.allocate(256); // one long field need not be kept for the connection's life
        }
    }
}
