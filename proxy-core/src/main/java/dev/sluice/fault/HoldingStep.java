package dev.sluice.fault;

import dev.sluice.ws.StageContext;

/** A fault step that passes bytes on later through {@link HeldBytes}: its end waits for them. */
abstract class HoldingStep extends FaultStep {
    final HeldBytes held;

    HoldingStep(StageContext context) {
        this.held = new HeldBytes(context);
    }

    @Override
    public long held() {
        return held.held();
    }

    @Override
    public void onEnd(Runnable proceed) {
        held.whenEmpty(proceed);
    }
}
