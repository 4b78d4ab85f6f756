package dev.sluice.upstream;

/**
 * The outcome of one health check of one server.
 *
 * @param healthy whether the server answered as a healthy one does
 * @param reason  short and meant for an operator: {@code status 200}, {@code connection refused},
 *                {@code no answer within 2s}; healthy results carry one too, so that a server
 *                coming back up can say what it answered
 */
public record CheckResult(boolean healthy, String reason) {
    public static CheckResult healthy(String reason) {
        return new CheckResult(true, reason);
    }

    public static CheckResult unhealthy(String reason) {
        return new CheckResult(false, reason);
    }
}
