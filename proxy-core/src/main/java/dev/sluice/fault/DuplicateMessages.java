package dev.sluice.fault;

import dev.sluice.ws.StageContext;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * {@code duplicate-messages}: each chosen message is passed on, then its frames once more, byte
 * for byte (masks included), right after its last frame. Control frames that came between its
 * fragments are not repeated. The copy counts as held ({@link #held()}), so a message over
 * {@link #MAX_COPY} bytes passes once: the pump would stop reading before a larger message ended.
 */
final class DuplicateMessages extends RewritingStep {
    static final int MAX_COPY = (int) (HOLD_LIMIT / 2);

    private final ByteArrayOutputStream messageCopy = new ByteArrayOutputStream();
    private final ByteArrayOutputStream controlCopy = new ByteArrayOutputStream();
    private boolean tooLarge;

    DuplicateMessages(ActiveFault fault, StageContext context) {
        super(fault, context);
    }

    @Override
    public long held() {
        return messageCopy.size() + controlCopy.size();
    }

    @Override
    public void piece(int from, int to, boolean startsFrame, boolean endsFrame) {
        runs.keep(from, to);
        boolean control = scanner.frameIsControl();
        if (!selector.chosen(scanner, startsFrame)) {
            selector.endsUnit(scanner, endsFrame);
            return;
        }
        ByteArrayOutputStream copy = control ? controlCopy : messageCopy;
        boolean copying = control || !tooLarge;
        if (copying && copy.size() + (to - from) > MAX_COPY) {
            tooLarge = true; // only a data message can be this large: control frames are at most 131 bytes
            copying = false;
            copy.reset();
        }
        if (copying) {
            for (int i = from; i < to; i++) {
                copy.write(bytes.get(i));
            }
        }
        if (selector.endsUnit(scanner, endsFrame)) {
            runs.pass(bytes, downstream);
            if (copying) {
                altered(control, +1, "duplicated");
                downstream.onBytes(ByteBuffer.wrap(copy.toByteArray()));
            }
            copy.reset();
            if (!control) {
                tooLarge = false;
            }
        }
    }
}
