package dev.sluice.config;

import dev.sluice.config.YamlMapping.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@code faults} in a file, and the body of {@code POST /faults}: one binder, so both read and
 * report a fault the same way. Each value is checked by {@link FaultConfig}'s own rules where it
 * is read (a probe record is built from it), so the record's message lands at that value; the
 * record itself is built only from a clean fault.
 */
final class FaultsBinder {
    private static final Keys FAULT = Keys.of("name", "route", "direction", "type", "latency", "jitter", "rate",
            "bytes", "segment", "delay", "status", "count", "code", "reason", "probability", "control-frames");
    private static final String EXAMPLE = "{ type: latency, latency: 200ms }";
    // taken by every type
    private static final Set<String> COMMON = Set.of("name", "route", "type", "probability");
    // the other keys each type takes: any other key is a mistake, said at that key
    private static final Map<FaultType, List<String>> PARAMS = new EnumMap<>(Map.ofEntries(
            Map.entry(FaultType.LATENCY, List.of("direction", "latency", "jitter")),
            Map.entry(FaultType.BANDWIDTH, List.of("direction", "rate")),
            Map.entry(FaultType.BLACKHOLE, List.of("direction")),
            Map.entry(FaultType.RESET, List.of("direction", "delay")),
            Map.entry(FaultType.LIMIT_DATA, List.of("direction", "bytes")),
            Map.entry(FaultType.SLICE, List.of("direction", "segment", "delay")),
            Map.entry(FaultType.REFUSE, List.of()),
            Map.entry(FaultType.HTTP_STATUS, List.of("status")),
            Map.entry(FaultType.SLOW_CLOSE, List.of("direction", "delay")),
            Map.entry(FaultType.DROP_MESSAGES, List.of("direction", "count", "control-frames")),
            Map.entry(FaultType.DELAY_MESSAGES, List.of("direction", "latency", "count", "control-frames")),
            Map.entry(FaultType.DUPLICATE_MESSAGES, List.of("direction", "count", "control-frames")),
            Map.entry(FaultType.CLOSE, List.of("direction", "code", "reason"))));
    // the key without which the record refuses the type
    private static final Map<FaultType, String> REQUIRED = new EnumMap<>(Map.of(
            FaultType.LATENCY, "latency",
            FaultType.DELAY_MESSAGES, "latency",
            FaultType.BANDWIDTH, "rate",
            FaultType.LIMIT_DATA, "bytes",
            FaultType.SLICE, "segment",
            FaultType.SLOW_CLOSE, "delay",
            FaultType.HTTP_STATUS, "status",
            FaultType.CLOSE, "code"));
    private static final Duration MAX_DURATION = Duration.ofDays(7);

    private final Values values;
    private final Problems problems;
    private final ConfigRules.Inputs ruleInputs;

    /** @param ruleInputs where each fault's name and route go for {@link ConfigRules} */
    FaultsBinder(Values values, ConfigRules.Inputs ruleInputs) {
        this.values = values;
        this.problems = values.problems();
        this.ruleInputs = ruleInputs;
    }

    /** A file's {@code faults} list (empty is fine: no faults), or null when any fault had a problem. */
    List<FaultConfig> bind(Node node) {
        List<Node> items = values.list(node, "faults", "faults: [ " + EXAMPLE + " ]");
        return items == null ? null : faults(items, "faults");
    }

    /** A request body: one fault mapping, or a list of them; key paths are {@code latency} or {@code [0].latency}. */
    List<FaultConfig> bindBody(Node root) {
        if (root instanceof MappingNode) {
            FaultConfig fault = fault(root, "");
            return fault == null ? null : List.of(fault);
        }
        if (root instanceof SequenceNode sequence) {
            if (sequence.getValue().isEmpty()) {
                problems.at(root, "", "empty list (send one fault or a list of them, e.g. " + EXAMPLE + ")");
                return null;
            }
            return faults(sequence.getValue(), "");
        }
        problems.at(root, "", "expected a fault (a mapping) or a list of faults, got " + Values.describe(root)
                + " (e.g. " + EXAMPLE + ")");
        return null;
    }

    private List<FaultConfig> faults(List<Node> items, String listPath) {
        int before = problems.count();
        List<FaultConfig> faults = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            FaultConfig fault = fault(items.get(i), Paths.index(listPath, i));
            if (fault != null) {
                faults.add(fault);
            }
        }
        return problems.addedSince(before) ? null : faults;
    }

    private FaultConfig fault(Node node, String path) {
        int before = problems.count();
        YamlMapping m = YamlMapping.read(node, path, values, FAULT, EXAMPLE);
        if (m == null) {
            return null;
        }
        FaultType type = null;
        if (m.value("type") == null) {
            m.missing("type", "type: latency");
        } else {
            type = values.parse(m.value("type"), m.path("type"),
                    text -> byYamlName(text, "type", FaultType.values(), FaultType::yamlName));
        }
        Params p = new Params(m, type == null ? null : unused(m, type));
        String name = p.text("name", text -> FaultConfig.blackhole().named(text).name());
        if (name != null) {
            ruleInputs.faultName(path, name, m.value("name"));
        }
        String route = p.text("route", text -> FaultConfig.blackhole().onRoute(text).route());
        if (route != null) {
            ruleInputs.faultRoute(path, route, m.value("route"));
        }
        FaultDirection direction = p.has("direction") ? values.parse(m.value("direction"), m.path("direction"),
                text -> byYamlName(text, "direction", FaultDirection.values(), FaultDirection::yamlName))
                : FaultDirection.BOTH;
        Duration latency = p.duration("latency");
        Duration jitter = p.duration("jitter");
        Duration delay = p.duration("delay");
        Long rate = p.size("rate");
        Long bytes = p.size("bytes");
        Long segment = p.size("segment");
        Integer status = p.integer("status", 0, s -> FaultConfig.httpStatus(s));
        Integer count = p.integer("count", (int) FaultConfig.ALL, c -> FaultConfig.dropMessages(c));
        Integer code = p.integer("code", 0, c -> FaultConfig.close(c, null));
        String reason = p.text("reason", text -> FaultConfig.close(1000, text).reason());
        Double probability = p.has("probability")
                ? values.parse(m.value("probability"), m.path("probability"), FaultsBinder::probability) : 1.0;
        Boolean controlFrames = p.has("control-frames")
                ? values.bool(m.value("control-frames"), m.path("control-frames")) : Boolean.FALSE;
        if (type != null) {
            requirePresent(m, type);
        }
        if (problems.addedSince(before)) {
            return null;
        }
        try {
            return new FaultConfig(name, route, direction, type, latency, jitter, rate, bytes, segment, delay,
                    status, count, code, reason, probability, controlFrames);
        } catch (IllegalArgumentException e) {
            // each value was checked where it was read: what is left spans the fault
            problems.at(m.node(), path, e.getMessage());
            return null;
        }
    }

    /** Reports each key the type does not take, at the key; returns them, so that they are not read. */
    private Set<String> unused(YamlMapping m, FaultType type) {
        Set<String> unused = new HashSet<>();
        for (String key : m.keys()) {
            if (!COMMON.contains(key) && !PARAMS.get(type).contains(key)) {
                unused.add(key);
                problems.at(m.keyNode(key), m.path(key), "not used by type " + type + " (" + whoUses(key, type) + ")");
            }
        }
        return unused;
    }

    private static String whoUses(String key, FaultType type) {
        if (key.equals("direction")) {
            return type + " acts on whole requests and handshakes, which have no direction";
        }
        List<String> users = PARAMS.entrySet().stream().filter(e -> e.getValue().contains(key))
                .map(e -> e.getKey().yamlName()).toList();
        String list = users.size() == 1 ? users.get(0)
                : String.join(", ", users.subList(0, users.size() - 1)) + " and " + users.get(users.size() - 1);
        return key + " belongs to " + list;
    }

    /** The type's required key, when absent: the record's own message, at the fault. */
    private void requirePresent(YamlMapping m, FaultType type) {
        String key = REQUIRED.get(type);
        if (key == null || m.value(key) != null || m.wasSuggested(key)) {
            return; // a misspelt key was reported as such already
        }
        try {
            new FaultConfig(null, null, FaultDirection.BOTH, type, null, null, 0, 0, 0, null, 0, FaultConfig.ALL, 0,
                    null, 1.0, false);
            problems.at(m.node(), m.path(), type + " needs " + key);
        } catch (IllegalArgumentException e) {
            problems.at(m.node(), m.path(), e.getMessage());
        }
    }

    private static <E extends Enum<E>> E byYamlName(String text, String what, E[] all, Function<E, String> yamlName) {
        List<String> known = new ArrayList<>();
        for (E e : all) {
            if (yamlName.apply(e).equals(text)) {
                return e;
            }
            known.add(yamlName.apply(e));
        }
        throw new IllegalArgumentException("unknown " + what + " '" + text + "' ("
                + Suggestions.didYouMean(text, known) + "known: " + String.join(", ", known) + ")");
    }

    private static double probability(String text) {
        if (!text.matches("\\d{1,9}(\\.\\d{1,9})?|\\.\\d{1,9}")) {
            throw new IllegalArgumentException("'" + text + "' is not a probability (write a number from 0 to 1,"
                    + " e.g. 0.25)");
        }
        double p = Double.parseDouble(text);
        if (p > 1) {
            throw new IllegalArgumentException(text + " is out of range (0..1; 1 acts every time, 0.25 one time in four)");
        }
        return p;
    }

    /**
     * The parameters of one fault: a key the type does not take counts as absent (it was reported),
     * an absent one is 0 or null, as in the record.
     */
    private final class Params {
        private final YamlMapping m;
        private final Set<String> unused;

        /** @param unused the keys not to read; null when the type is unknown: then every key is read */
        Params(YamlMapping m, Set<String> unused) {
            this.m = m;
            this.unused = unused == null ? Set.of() : unused;
        }

        boolean has(String key) {
            return m.value(key) != null && !unused.contains(key);
        }

        /** The text, checked by {@code probe}: a record built from it, whose message is placed at the value. */
        String text(String key, Function<String, String> probe) {
            return has(key) ? values.parse(m.value(key), m.path(key), probe) : null;
        }

        Duration duration(String key) {
            return has(key) ? values.duration(m.value(key), m.path(key), Duration.ZERO, MAX_DURATION) : null;
        }

        /** 0 when absent, as in the record; null when the value was bad. */
        Long size(String key) {
            return has(key) ? values.size(m.value(key), m.path(key), 1, Long.MAX_VALUE) : Long.valueOf(0);
        }

        /** {@code otherwise} when absent; null when the value was bad, also by the record's rules. */
        Integer integer(String key, int otherwise, Function<Integer, FaultConfig> probe) {
            if (!has(key)) {
                return otherwise;
            }
            Integer n = values.integer(m.value(key), m.path(key), 0, Integer.MAX_VALUE);
            if (n == null) {
                return null;
            }
            try {
                probe.apply(n);
                return n;
            } catch (IllegalArgumentException e) {
                problems.at(m.value(key), m.path(key), e.getMessage());
                return null;
            }
        }
    }
}
