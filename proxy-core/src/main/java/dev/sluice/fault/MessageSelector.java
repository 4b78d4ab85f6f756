package dev.sluice.fault;

import dev.sluice.ws.FrameScanner;

/**
 * Decides which WebSocket messages a message fault acts on, frame piece by frame piece: a data
 * message is chosen (or not) at its first frame and its continuation frames follow that choice;
 * control frames between fragments are chosen on their own, and only when the fault counts
 * control frames. Once the step is retired no new message is chosen. It also knows, for the
 * recording, the number the sender gave each message it chose (see {@link FaultStep#numberOf}).
 */
final class MessageSelector {
    private final ActiveFault fault;
    private final FaultStep step;
    private boolean messageChosen;
    private boolean controlChosen;
    private boolean inMessage;
    private long messagesSeen;
    private long controlsSeen;
    private long messageNumber;
    private long controlNumber;

    MessageSelector(ActiveFault fault, FaultStep step) {
        this.fault = fault;
        this.step = step;
    }

    /** Whether the piece just walked belongs to a chosen message (or chosen control frame). */
    boolean chosen(FrameScanner scanner, boolean startsFrame) {
        if (scanner.frameIsControl()) {
            if (startsFrame) {
                controlsSeen++;
                controlChosen = fault.config().controlFrames() && !step.retired() && fault.takesMessage();
                if (controlChosen) {
                    controlNumber = step.numberOf(true, controlsSeen);
                }
            }
            return controlChosen;
        }
        if (startsFrame && scanner.frameOpcode() != 0) {
            messagesSeen++;
            messageChosen = !step.retired() && fault.takesMessage();
            if (messageChosen) {
                messageNumber = step.numberOf(false, messagesSeen);
            }
            inMessage = true;
        }
        return messageChosen;
    }

    /** Whether the piece just walked, ending its frame as told, ends a message or a control frame. */
    boolean endsUnit(FrameScanner scanner, boolean endsFrame) {
        if (!endsFrame) {
            return false;
        }
        if (scanner.frameIsControl()) {
            return true;
        }
        if (scanner.frameFin()) {
            inMessage = false;
            return true;
        }
        return false;
    }

    /** The sender's number of the chosen control frame, or data message, in progress; 0 when not known. */
    long chosenNumber(boolean control) {
        return control ? controlNumber : messageNumber;
    }

    /** Whether a chosen data message has begun and not yet ended. */
    boolean insideChosenMessage() {
        return inMessage && messageChosen;
    }
}
