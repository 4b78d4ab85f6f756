package dev.sluice.fault;

import dev.sluice.config.FaultConfig;
import dev.sluice.config.FaultType;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault that is switched on: its configuration, the name it is known by, and what it has done
 * so far, for assertions ({@link #acted()}) and for counted faults the messages it has left.
 */
public final class ActiveFault {
    private final String name;
    private final FaultConfig config;
    private final boolean fromConfigFile;
    private final AtomicLong remaining;
    private final AtomicLong acted = new AtomicLong();

    ActiveFault(String name, FaultConfig config, boolean fromConfigFile) {
        this.name = name;
        this.config = config.named(name);
        this.fromConfigFile = fromConfigFile;
        this.remaining = new AtomicLong(config.count());
    }

    public String name() {
        return name;
    }

    public FaultConfig config() {
        return config;
    }

    public FaultType type() {
        return config.type();
    }

    /** How often it acted: messages dropped, delayed or duplicated, tunnels it slowed or reset, requests answered. */
    public long acted() {
        return acted.get();
    }

    /** Messages it will still act on; {@link FaultConfig#ALL} when not counted. */
    public long remaining() {
        return remaining.get();
    }

    /**
     * Whether it came from the configuration (the YAML file's {@code faults:}, or the builder's
     * {@code fault(...)}), rather than the Java API or {@code POST /faults} at run time.
     */
    public boolean fromConfigFile() {
        return fromConfigFile;
    }

    /** Whether {@code fault}, as a configuration file gives it, is this one unchanged (its name given or generated). */
    boolean sameAs(FaultConfig fault) {
        return (fault.name() == null || fault.name().equals(name)) && fault.named(name).equals(config);
    }

    /** Whether it acts on the route with this match path. */
    boolean covers(String routePath) {
        return config.route() == null || config.route().equals(routePath);
    }

    /** Rolls its probability; true when it acts this time, which is then counted. */
    boolean strikes() {
        if (!rolls()) {
            return false;
        }
        acted.incrementAndGet();
        return true;
    }

    private boolean rolls() {
        double p = config.probability();
        return p >= 1 || ThreadLocalRandom.current().nextDouble() < p;
    }

    /**
     * The configured latency for one chunk or request: {@code latency} ± up to {@code jitter},
     * never below zero, in nanoseconds.
     */
    long latencyNanos() {
        long latency = config.latency().toNanos();
        long jitter = config.jitter() == null ? 0 : config.jitter().toNanos();
        return Math.max(0, latency + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1)));
    }

    /** For message faults: whether it acts on the next message (its probability, then its count). */
    boolean takesMessage() {
        if (!rolls()) {
            return false;
        }
        if (config.count() != FaultConfig.ALL) {
            long left;
            do {
                left = remaining.get();
                if (left <= 0) {
                    return false;
                }
            } while (!remaining.compareAndSet(left, left - 1));
        }
        acted.incrementAndGet();
        return true;
    }

    @Override
    public String toString() {
        return name + " (" + config.type() + ")";
    }
}
