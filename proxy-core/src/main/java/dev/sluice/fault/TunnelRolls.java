package dev.sluice.fault;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Which byte faults struck one tunnel. A fault's probability is rolled once per tunnel, not per
 * direction (as Toxiproxy's toxicity is per connection), so a fault on both directions acts on
 * both or on neither, and {@link ActiveFault#acted()} counts the tunnel once.
 */
final class TunnelRolls {
    private Map<ActiveFault, Boolean> struck; // guarded by this; made at the first roll, so an idle tunnel pays nothing

    synchronized boolean strikes(ActiveFault fault) {
        if (struck == null) {
            struck = new IdentityHashMap<>(4);
        }
        return struck.computeIfAbsent(fault, ActiveFault::strikes);
    }
}
