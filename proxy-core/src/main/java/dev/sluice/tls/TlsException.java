package dev.sluice.tls;

/** A certificate or key that cannot be used; the message names the file and says why, without a stack trace. */
public final class TlsException extends Exception {
    private static final long serialVersionUID = 1L;

    public TlsException(String message) {
        super(message);
    }
}
