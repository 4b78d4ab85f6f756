package dev.sluice.fault;

import dev.sluice.ws.StageContext;

/**
 * {@code drop-messages}: the chosen messages are not passed on, every frame of them (fragments
 * included); frames between them, and every other byte, pass unchanged. Each frame carries its
 * own mask, so the stream stays valid for the peer.
 */
final class DropMessages extends RewritingStep {
    DropMessages(ActiveFault fault, StageContext context) {
        super(fault, context);
    }

    @Override
    public void piece(int from, int to, boolean startsFrame, boolean endsFrame) {
        boolean dropped = selector.chosen(scanner, startsFrame);
        boolean ends = selector.endsUnit(scanner, endsFrame);
        if (dropped) {
            runs.pass(bytes, downstream);
            if (ends) {
                altered(scanner.frameIsControl(), -1, "dropped");
            }
        } else {
            runs.keep(from, to);
        }
    }
}
