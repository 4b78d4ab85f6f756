package dev.sluice;

import dev.sluice.config.ConfigException;
import dev.sluice.observe.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The ways a reload is refused, each counted as a failed reload and logged once under its own
 * id (the operator's fix differs by cause), and turned into what the caller gets. The running
 * configuration stays in every case.
 */
final class ReloadRefusals {
    private static final Logger log = LoggerFactory.getLogger(Sluice.class);

    private final Metrics metrics;

    ReloadRefusals(Metrics metrics) {
        this.metrics = metrics;
    }

    /**
     * The new configuration has problems, read from the file or given whole: one id for both,
     * since the fix is the same. Returns the problems, one per line.
     */
    String invalid(String source, ConfigException e) {
        metrics.reloaded(false);
        String problems = e.problems().stream().map(p -> "\n  " + p).collect(Collectors.joining());
        log.error("SLU0006 reload of {} refused, the running configuration stays:{}", source, problems);
        return problems;
    }

    /** It changes what only a restart can, each change named in the file's terms. */
    SluiceException restartOnly(List<String> changes) {
        SluiceException refused = new SluiceException("reload refused: " + String.join("; ", changes)
                + " (the running configuration stays)");
        metrics.reloaded(false);
        log.error("SLU0013 {}", refused.getMessage());
        return refused;
    }

    /** A listener's certificate or key cannot be loaded. */
    SluiceException certificates(String source, SluiceException e) {
        metrics.reloaded(false);
        log.error("SLU0014 reload of {} refused, the running configuration and certificates stay: {}", source,
                e.getMessage());
        return new SluiceException("reload refused: " + e.getMessage());
    }

    /** An upstream cannot be built (its CA file, its servers' names). */
    SluiceException upstreams(String source, SluiceException e) {
        metrics.reloaded(false);
        log.error("SLU0015 reload of {} refused, the running configuration stays: {}", source, e.getMessage());
        return new SluiceException("reload refused: " + e.getMessage());
    }
}
