package dev.sluice.fault;

import dev.sluice.config.FaultConfig;
import dev.sluice.config.FaultType;
import dev.sluice.ws.StageContext;

/** Makes the step of a fault that acts on a tunnel's bytes: one class per fault type. */
final class FaultSteps {
    private FaultSteps() {
    }

    /** Whether faults of this type act on the bytes of open tunnels (the others act on requests or once per tunnel). */
    static boolean actsOnBytes(FaultType type) {
        return switch (type) {
            case LATENCY, BANDWIDTH, BLACKHOLE, LIMIT_DATA, SLICE, SLOW_CLOSE,
                 DROP_MESSAGES, DELAY_MESSAGES, DUPLICATE_MESSAGES -> true;
            case RESET, REFUSE, HTTP_STATUS, CLOSE -> false;
        };
    }

    /**
     * The step for this fault on this direction of a tunnel, or null when a TCP fault's
     * probability, rolled once for the tunnel, spares it (message faults roll per message instead).
     */
    static FaultStep create(ActiveFault fault, StageContext context, TunnelRolls rolls) {
        FaultConfig c = fault.config();
        if (!c.type().messageLevel() && !rolls.strikes(fault)) {
            return null;
        }
        return switch (c.type()) {
            case LATENCY -> new Latency(fault, context);
            case BANDWIDTH -> new Bandwidth(c.rate(), context);
            case BLACKHOLE -> new Blackhole();
            case LIMIT_DATA -> new LimitData(c.bytes(), context);
            case SLICE -> new Slice(c.segment(), c.delay(), context);
            case SLOW_CLOSE -> new SlowClose(c.delay(), context);
            case DROP_MESSAGES -> new DropMessages(fault, context);
            case DELAY_MESSAGES -> new DelayMessages(fault, c.latency(), context);
            case DUPLICATE_MESSAGES -> new DuplicateMessages(fault, context);
            case RESET, REFUSE, HTTP_STATUS, CLOSE -> throw new IllegalArgumentException(c.type() + " acts on no bytes");
        };
    }
}
