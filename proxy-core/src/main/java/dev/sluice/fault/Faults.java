package dev.sluice.fault;

import dev.sluice.config.FaultConfig;
import dev.sluice.config.FaultDirection;
import dev.sluice.config.Plural;
import dev.sluice.ws.Direction;
import dev.sluice.ws.OpenTunnel;
import dev.sluice.ws.StageFactory;
import io.undertow.server.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The faults switched on in one proxy ({@code proxy.faults()}), the same for the Java API, the
 * YAML file and {@code POST /faults}. A change applies at once: to open tunnels from their next
 * byte or message, to new tunnels and requests as they come; nothing reconnects.
 *
 * <pre>{@code
 * proxy.faults().add(FaultConfig.latency(Duration.ofMillis(200)).toClient());
 * proxy.faults().add(FaultConfig.dropMessages(1).toUpstream().named("lose-one"));
 * proxy.faults().resetTunnels();
 * proxy.faults().remove("lose-one");
 * }</pre>
 *
 * Safe to use from any thread. Faults from the configuration file are replaced on a reload;
 * faults added at run time stay until removed.
 */
public final class Faults {
    private static final Logger log = LoggerFactory.getLogger(Faults.class);

    private final TunnelStrikes strikes;
    private final Supplier<Collection<String>> routePaths;
    private volatile List<ActiveFault> active = List.of();
    private volatile long version;
    private long named;

    /** @param routePaths the match paths of the routes now served: a fault's {@code route} must be one */
    public Faults(Supplier<? extends Collection<? extends OpenTunnel>> tunnels, Supplier<Collection<String>> routePaths) {
        this.strikes = new TunnelStrikes(tunnels);
        this.routePaths = routePaths;
    }

    /**
     * Switches a fault on; a reset or close fault also acts on the matching open tunnels at once.
     *
     * @throws IllegalArgumentException when its route is no route's match path
     * @throws IllegalStateException    when a fault of that name is on already
     */
    public ActiveFault add(FaultConfig fault) {
        return addAll(List.of(fault)).get(0);
    }

    /** Switches these faults on, all or none (see {@link #add}). */
    public List<ActiveFault> addAll(Collection<FaultConfig> faults) {
        return add(faults, false);
    }

    public List<ActiveFault> list() {
        return active;
    }

    public Optional<ActiveFault> find(String name) {
        return active.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** Switches the named fault off; false when none has that name. */
    public synchronized boolean remove(String name) {
        List<ActiveFault> next = active.stream().filter(f -> !f.name().equals(name)).toList();
        if (next.size() == active.size()) {
            return false;
        }
        publish(next);
        return true;
    }

    /**
     * Switches off every fault added at run time (Java API, {@code POST /faults}); those from the
     * configuration stay. Returns the ones switched off. A test proxy's extension calls it before
     * each test, so that a test's faults never leak into the next.
     */
    public synchronized List<ActiveFault> removeRunTime() {
        List<ActiveFault> runTime = active.stream().filter(f -> !f.fromConfigFile()).toList();
        if (!runTime.isEmpty()) {
            publish(active.stream().filter(ActiveFault::fromConfigFile).toList());
        }
        return runTime;
    }

    /** Switches every fault off. */
    public synchronized void clear() {
        publish(List.of());
    }

    /** Adds latency each way, or one way: a shortcut for {@link FaultConfig#latency}. */
    public ActiveFault latency(FaultDirection direction, Duration latency) {
        return add(FaultConfig.latency(latency).withDirection(direction));
    }

    /** Resets every open tunnel now (TCP RST to both peers); no fault stays on. */
    public void resetTunnels() {
        strikes.resetAll();
    }

    /** Sends every open tunnel's peers a Close with this code and reason now; no fault stays on. */
    public void closeTunnels(int code, String reason) {
        strikes.closeAll(FaultConfig.close(code, reason)); // validates code and reason
    }

    /**
     * Replaces the faults that came from the configuration file with these, all or none;
     * run-time ones stay. A fault the file still has unchanged stays as it is (what it counted,
     * what it has left, its steps on open tunnels), and the new set is switched in at once:
     * there is no moment without the file's faults.
     */
    public synchronized void replaceConfigured(Collection<FaultConfig> faults) {
        List<ActiveFault> leaving = new ArrayList<>(active.stream().filter(ActiveFault::fromConfigFile).toList());
        List<FaultConfig> fresh = new ArrayList<>();
        for (FaultConfig fault : faults) {
            Optional<ActiveFault> same = leaving.stream().filter(f -> f.sameAs(fault)).findFirst();
            same.ifPresentOrElse(leaving::remove, () -> fresh.add(fault));
        }
        List<ActiveFault> staying = active.stream().filter(f -> !leaving.contains(f)).toList();
        switchOn(staying, create(fresh, true, staying));
    }

    /** The stages every new tunnel gets, and the reset and close faults it meets as it opens. */
    public StageFactory stages() {
        return tunnel -> {
            TunnelRolls rolls = new TunnelRolls();
            return context -> {
                if (context.direction() == Direction.TO_UPSTREAM) {
                    strikes.opened(active, tunnel.route(), context);
                }
                return List.of(new FaultChain(this, context, rolls));
            };
        };
    }

    /**
     * Puts the request faults (refuse, reset, http-status) in front of {@code next}.
     *
     * @param handshakes whether {@code next} takes WebSocket handshakes, which a reset fault lets through
     */
    public HttpHandler gate(HttpHandler next, boolean handshakes) {
        return new FaultGate(this, next, handshakes);
    }

    long version() {
        return version;
    }

    private synchronized List<ActiveFault> add(Collection<FaultConfig> faults, boolean fromConfigFile) {
        List<ActiveFault> added = create(faults, fromConfigFile, active);
        switchOn(active, added);
        return added;
    }

    /** The faults to switch on beside {@code others}, named; switches nothing on. */
    private List<ActiveFault> create(Collection<FaultConfig> faults, boolean fromConfigFile, List<ActiveFault> others) {
        Collection<String> routes = routePaths.get();
        Set<String> names = new HashSet<>();
        others.forEach(f -> names.add(f.name()));
        List<ActiveFault> added = new ArrayList<>();
        for (FaultConfig fault : faults) {
            if (fault.route() != null && !routes.contains(fault.route())) {
                throw new IllegalArgumentException("route: no route has the match path " + fault.route()
                        + " (routes: " + String.join(", ", routes) + ")");
            }
            String name = fault.name() != null ? fault.name() : fault.type().yamlName() + "-" + (++named);
            while (fault.name() == null && names.contains(name)) {
                name = fault.type().yamlName() + "-" + (++named);
            }
            if (!names.add(name)) {
                throw new IllegalStateException("name: a fault named " + name + " is on already (remove it first)");
            }
            added.add(new ActiveFault(name, fault, fromConfigFile));
        }
        return added;
    }

    /** Publishes {@code staying} and {@code added} as the running set, in one step. */
    private void switchOn(List<ActiveFault> staying, List<ActiveFault> added) {
        List<ActiveFault> next = new ArrayList<>(staying);
        next.addAll(added);
        publish(List.copyOf(next));
        for (ActiveFault fault : added) {
            log.info("SLU3001 fault on: {} {}", fault.name(), FaultLines.describe(fault.config()));
            strikes.switchedOn(fault);
        }
    }

    private void publish(List<ActiveFault> next) {
        List<ActiveFault> gone = active.stream().filter(f -> !next.contains(f)).toList();
        active = next;
        version++;
        gone.forEach(f -> log.info("SLU3002 fault off: {} (acted {})", f.name(), Plural.of(f.acted(), "time")));
    }

}
