package dev.sluice;

import dev.sluice.config.AdminConfig;
import dev.sluice.config.SluiceConfig;

/**
 * What a reloaded file leaves unsaid keeps what runs, where a proxy may run with more than its
 * file says: a test's proxy records, serves /faults and closes at once without saying so.
 */
final class Unsaid {
    private Unsaid() {
    }

    static SluiceConfig keptFrom(SluiceConfig running, SluiceConfig next) {
        if (next.recording() == null) {
            // Recording is fixed at start.
            next = next.withRecording(running.recording());
        }
        AdminConfig admin = next.admin();
        if (admin != null && admin.faults() == null && running.admin() != null) {
            next = next.withAdmin(admin.withFaults(running.admin().faultsOn()));
        }
        if (!next.drainTimeoutSet() && !running.drainTimeoutSet()) {
            next = next.withDrainTimeout(running.drainTimeout(), false);
        }
        return next;
    }
}
