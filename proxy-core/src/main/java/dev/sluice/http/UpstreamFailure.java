package dev.sluice.http;

/**
 * Why an upstream could not answer, recorded on the exchange where it happened: the cause (which
 * gives the status and the log id), the reason the client is told, and where it happened (the
 * upstream's servers or address), which only the log line gets, since the client has no
 * business knowing the upstream's internal addresses.
 */
public record UpstreamFailure(Answer answer, String reason, String where) {
}
