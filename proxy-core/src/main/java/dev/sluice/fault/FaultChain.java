package dev.sluice.fault;

import dev.sluice.ws.Direction;
import dev.sluice.ws.Stage;
import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The faults acting on one direction of one tunnel, as one {@link Stage}. It looks at the running
 * set of faults whenever bytes come and it changed since: a fault added meets the tunnel from
 * the next byte or message on; a fault removed is retired and leaves the chain once it holds
 * nothing (see {@link FaultStep}). Whether a fault strikes the tunnel (its probability) is
 * decided once for both directions ({@link TunnelRolls}).
 */
final class FaultChain implements Stage {
    private record Link(ActiveFault fault, FaultStep step) {
    }

    private final Faults faults;
    private final StageContext context;
    private final TunnelRolls rolls;
    private final String route;
    private final boolean towardsUpstream;
    private long version = -1;
    private List<Link> links = List.of();
    private Downstream out;

    FaultChain(Faults faults, StageContext context, TunnelRolls rolls) {
        this.faults = faults;
        this.context = context;
        this.rolls = rolls;
        this.route = context.tunnel().route();
        this.towardsUpstream = context.direction() == Direction.TO_UPSTREAM;
    }

    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        out = downstream;
        refresh();
        if (links.isEmpty()) {
            downstream.onBytes(bytes);
        } else {
            passFrom(0, links, bytes);
        }
    }

    /** Passes bytes to the link at {@code index} of {@code chain}, skipping those that did not strike. */
    private void passFrom(int index, List<Link> chain, ByteBuffer bytes) {
        for (int i = index; i < chain.size(); i++) {
            Link link = chain.get(i);
            if (link.step() != null) {
                link.step().onBytes(bytes, after(link));
                return;
            }
        }
        out.onBytes(bytes);
    }

    /** Where a step passes bytes on, now or from a timer: the next link in the chain as it is then. */
    private Downstream after(Link link) {
        return bytes -> {
            List<Link> chain = links;
            int at = chain.indexOf(link);
            passFrom(at < 0 ? chain.size() : at + 1, chain, bytes);
        };
    }

    /** Whether a removed fault's step has finished what it held, and can leave the chain. */
    private boolean retiredStepLeft() {
        for (Link link : links) {
            if (link.step() != null && link.step().retired() && link.step().quiescent()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long held() {
        long held = 0;
        for (Link link : links) {
            if (link.step() != null) {
                held += link.step().held();
            }
        }
        return held;
    }

    @Override
    public void onEnd(Runnable proceed) {
        endFrom(0, links, proceed);
    }

    private void endFrom(int index, List<Link> chain, Runnable proceed) {
        for (int i = index; i < chain.size(); i++) {
            FaultStep step = chain.get(i).step();
            if (step != null) {
                int next = i + 1;
                step.onEnd(() -> endFrom(next, chain, proceed));
                return;
            }
        }
        proceed.run();
    }

    private void refresh() {
        long now = faults.version();
        if (now == version && !retiredStepLeft()) {
            return;
        }
        version = now;
        Map<ActiveFault, Link> current = new IdentityHashMap<>();
        for (Link link : links) {
            current.put(link.fault(), link);
        }
        List<ActiveFault> active = faults.list();
        List<Link> next = new ArrayList<>();
        for (Link link : links) {
            if (active.contains(link.fault())) {
                next.add(link);
            } else if (link.step() != null && !link.step().quiescent()) {
                link.step().retire();
                next.add(link);
            }
        }
        for (ActiveFault fault : active) {
            if (!current.containsKey(fault) && FaultSteps.actsOnBytes(fault.type()) && fault.covers(route)
                    && fault.config().direction().includes(towardsUpstream)) {
                next.add(new Link(fault, FaultSteps.create(fault, context, rolls)));
            }
        }
        links = List.copyOf(next);
    }
}
