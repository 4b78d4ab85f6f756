package dev.sluice.tunnel;

import java.util.List;

/**
 * Makes the stages one direction of a new tunnel goes through after the frame scanner
 * (recording, faults), in order. Called on the tunnel's IO thread as the tunnel starts.
 */
public interface StageFactory {
    StageFactory NONE = context -> List.of();

    List<Stage> stages(StageContext context);
}
