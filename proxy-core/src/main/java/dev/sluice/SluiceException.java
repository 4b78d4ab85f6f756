package dev.sluice;

/** Sluice could not start or run, with a message an operator can act on (no stack trace needed). */
public final class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SluiceException(String message) {
        super(message);
    }

    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
