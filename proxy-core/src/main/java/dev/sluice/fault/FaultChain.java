package dev.sluice.fault;

import dev.sluice.ws.Direction;
import dev.sluice.ws.FrameScanner;
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
 * the next byte, or for a message fault from the next message boundary; a fault removed is
 * retired and leaves the chain once it holds nothing (see {@link FaultStep}). Whether a fault
 * strikes the tunnel (its probability) is decided once for both directions ({@link TunnelRolls}).
 *
 * <p>A message fault's step reads frames from where it starts, so it must start where a message
 * may begin. A new message fault's step waits at the front of the chain, where the bytes are
 * the sender's, and gets them from the next message boundary. The direction's scanner tells
 * where that is as of the end of the last buffer; when it cannot (inside a header or a
 * fragmented message), a copy of it as of then reads ahead through the new bytes to find it.
 */
final class FaultChain implements Stage {
    /** {@link Link#from} of a step that waits for a message boundary not yet known. */
    private static final long UNKNOWN = Long.MAX_VALUE;

    private static final class Link {
        final ActiveFault fault;
        final FaultStep step;
        /** The offset in this direction's stream from which the step gets bytes; until then they go past it. */
        long from;
        /** Data messages and control frames the sender sent before {@link #from}. */
        long messagesBefore;
        long controlsBefore;
        /** What the rewriting steps in front had added to the stream when this one came. */
        long dataNetBefore;
        long controlNetBefore;

        Link(ActiveFault fault, FaultStep step, long from) {
            this.fault = fault;
            this.step = step;
            this.from = from;
        }
    }

    private final Faults faults;
    private final StageContext context;
    private final TunnelRolls rolls;
    private final String route;
    private final boolean towardsUpstream;
    private long version = -1;
    private List<Link> links = List.of();
    private Downstream out;
    /** Bytes that came into the chain so far: the offset of the next one. */
    private long offset;
    /** Where the next message may begin, as the scanner saw it after the last buffer; -1 when not known. */
    private long nextMessageBoundary;
    /** Data messages and control frames sent before {@link #nextMessageBoundary}. */
    private long messagesBefore;
    private long controlsBefore;
    /** Whether a step at the front waits for its offset. */
    private boolean waiting;
    /** Whether a step waits for a boundary not yet known. */
    private boolean unknown;
    /** The scanner as it was at the end of the last buffer, when it did not know where the next message may begin. */
    private FrameScanner lastEnd;

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
        long start = offset;
        offset += bytes.remaining();
        if (unknown) {
            long boundary = readAheadToMessageBoundary(bytes);
            startWaitingAt(boundary, lastEnd.messages(), lastEnd.controlFrames(), start);
        }
        if (links.isEmpty()) {
            downstream.onBytes(bytes);
        } else if (!waiting) {
            passFrom(0, links, bytes, Long.MAX_VALUE);
        } else {
            passAroundWaiting(bytes, start);
        }
        FrameScanner scanner = context.scanner();
        nextMessageBoundary = scanner.nextMessageBoundary();
        if (nextMessageBoundary >= 0) {
            messagesBefore = scanner.messages();
            controlsBefore = scanner.controlFrames();
        } else {
            // Rare enough (a buffer ending inside a header or a fragmented message) to copy the
            // scanner each time: a fault added before the next buffer reads ahead from here.
            if (lastEnd == null) {
                lastEnd = new FrameScanner(context.direction().masked());
            }
            scanner.copyInto(lastEnd);
        }
        if (waiting) {
            startWaitingAt(nextMessageBoundary, messagesBefore, controlsBefore, offset);
        }
    }

    /** Reads {@link #lastEnd} through {@code bytes} up to the first message boundary; -1 when there is none in them. */
    private long readAheadToMessageBoundary(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate();
        int at = bytes.position();
        long boundary = lastEnd.nextMessageBoundary();
        while (boundary < 0 && at < bytes.limit() && lastEnd.inSync()) {
            long left = lastEnd.bytesToBoundary();
            // Inside a header the frame's length is not known yet: read the header a byte at a time.
            int n = left <= 0 ? 1 : (int) Math.min(left, bytes.limit() - at);
            lastEnd.scan(view.limit(at + n).position(at));
            at += n;
            boundary = lastEnd.nextMessageBoundary();
        }
        return boundary;
    }

    /** Passes a buffer in pieces split where waiting steps start, each piece past the steps still waiting. */
    private void passAroundWaiting(ByteBuffer bytes, long start) {
        int position = bytes.position();
        long at = start;
        while (position < bytes.limit()) {
            long split = bytes.limit() - position + at;
            for (Link link : links) {
                if (link.from > at && link.from < split) {
                    split = link.from;
                }
            }
            int end = position + (int) (split - at);
            passFrom(0, links, bytes.duplicate().limit(end).position(position), at);
            position = end;
            at = split;
        }
    }

    /**
     * Gives steps that wait for a boundary not yet known this one (when known), with what was
     * sent before it, and notes whether any still waits for bytes after offset {@code since}.
     */
    private void startWaitingAt(long boundary, long messages, long controls, long since) {
        waiting = false;
        unknown = false;
        for (Link link : links) {
            if (link.from == UNKNOWN && boundary >= 0) {
                link.from = boundary;
                link.messagesBefore = messages;
                link.controlsBefore = controls;
            }
            waiting |= link.from > since;
            unknown |= link.from == UNKNOWN;
        }
    }

    /**
     * Passes bytes at stream offset {@code at} to the link at {@code index} of {@code chain},
     * skipping those that did not strike and those that do not take bytes from there yet.
     */
    private void passFrom(int index, List<Link> chain, ByteBuffer bytes, long at) {
        for (int i = index; i < chain.size(); i++) {
            Link link = chain.get(i);
            if (link.step != null && link.from <= at) {
                link.step.onBytes(bytes, after(link));
                return;
            }
        }
        out.onBytes(bytes);
    }

    /**
     * Where a step passes bytes on, now or from a timer: the next link in the chain as it is
     * then. Steps behind a started one have started (they were added earlier), so nothing is skipped.
     */
    private Downstream after(Link link) {
        return bytes -> {
            List<Link> chain = links;
            int at = chain.indexOf(link);
            passFrom(at < 0 ? chain.size() : at + 1, chain, bytes, Long.MAX_VALUE);
        };
    }

    /** What the rewriting steps in front of {@code link} added to what the sender sent (negative for drops). */
    private long netInFront(Link link, boolean control) {
        long net = 0;
        for (Link front : links) {
            if (front == link) {
                break;
            }
            if (front.step instanceof RewritingStep rewriting) {
                net += rewriting.net(control);
            }
        }
        return net;
    }

    /** Whether a removed fault's step has finished what it held, and can leave the chain. */
    private boolean retiredStepLeft() {
        for (Link link : links) {
            if (link.step != null && link.step.retired() && link.step.quiescent()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long held() {
        long held = 0;
        for (Link link : links) {
            if (link.step != null) {
                held += link.step.held();
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
            FaultStep step = chain.get(i).step;
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
            current.put(link.fault, link);
        }
        List<ActiveFault> active = faults.list();
        List<Link> waitingFirst = new ArrayList<>();
        List<Link> next = new ArrayList<>();
        for (ActiveFault fault : active) {
            if (!current.containsKey(fault) && FaultSteps.actsOnBytes(fault.type()) && fault.covers(route)
                    && fault.config().direction().includes(towardsUpstream)) {
                Link link = new Link(fault, FaultSteps.create(fault, context, rolls), Long.MIN_VALUE);
                if (fault.type().messageLevel()) {
                    link.from = nextMessageBoundary >= 0 ? nextMessageBoundary : UNKNOWN;
                    link.messagesBefore = messagesBefore;
                    link.controlsBefore = controlsBefore;
                }
                if (link.step instanceof RewritingStep rewriting) {
                    rewriting.numbering((control, seen) -> control
                            ? link.controlsBefore + seen - (netInFront(link, true) - link.controlNetBefore)
                            : link.messagesBefore + seen - (netInFront(link, false) - link.dataNetBefore));
                }
                if (link.from > offset) {
                    waiting = true;
                    unknown |= link.from == UNKNOWN;
                    waitingFirst.add(0, link);
                } else {
                    next.add(link);
                    // behind the steps there are now, from this buffer on: what they did so far is in messagesBefore
                    links.forEach(front -> {
                        if (front.step instanceof RewritingStep rewriting) {
                            link.dataNetBefore += rewriting.net(false);
                            link.controlNetBefore += rewriting.net(true);
                        }
                    });
                }
            }
        }
        List<Link> kept = new ArrayList<>(waitingFirst);
        for (Link link : links) {
            if (active.contains(link.fault)) {
                kept.add(link);
            } else if (link.step != null && !link.step.quiescent()) {
                link.step.retire();
                kept.add(link);
            }
        }
        kept.addAll(next);
        links = List.copyOf(kept);
    }
}
