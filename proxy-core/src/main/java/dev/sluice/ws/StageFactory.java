package dev.sluice.ws;

import java.util.List;

/**
 * Makes the stages one direction of a new tunnel goes through after the frame scanner and the
 * recording (the faults'), in order. Called on the tunnel's IO thread as the tunnel starts.
 */
public interface StageFactory {
    List<Stage> stages(StageContext context);
}
