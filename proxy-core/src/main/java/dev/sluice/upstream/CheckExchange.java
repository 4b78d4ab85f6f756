package dev.sluice.upstream;

import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;

/** What one kind of check sends and how it judges the answer; a fresh one for every check. */
interface CheckExchange {
    String USER_AGENT = "sluice-health-check";

    ClientRequest request(String hostHeader);

    /** The answer's head has come; ends the check through {@code run}, now or once the rest is done. */
    void answered(ClientExchange exchange, ProbeRun run);
}
