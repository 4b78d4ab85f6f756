package dev.sluice.ws;

import java.util.List;

/**
 * Makes the stages each direction of a new tunnel goes through after the frame scanner and the
 * recording (the faults'), in order. Called on the tunnel's IO thread as the tunnel starts: once
 * for the tunnel, then once per direction, so that both directions can share what is decided
 * once per tunnel (whether a fault strikes it).
 */
@FunctionalInterface
public interface StageFactory {
    PerDirection forTunnel(OpenTunnel tunnel);

    /** The stages of one direction of the tunnel it was made for. */
    @FunctionalInterface
    interface PerDirection {
        List<Stage> stages(StageContext context);
    }
}
