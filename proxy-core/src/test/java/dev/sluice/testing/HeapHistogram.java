package dev.sluice.testing;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JVM's class histogram of live objects, taken after a full GC (what {@code jcmd PID
 * GC.class_histogram} prints), for tests that assert what stays alive.
 */
public record HeapHistogram(Map<String, Long> instances, Map<String, Long> bytes) {

    /** Runs a full GC and reads the live objects per class. */
    public static HeapHistogram take() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("no class histogram from this JVM", e);
        }
        Map<String, Long> instances = new HashMap<>();
        Map<String, Long> bytes = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[0].endsWith(":")) {
                instances.merge(cols[3], Long.parseLong(cols[1]), Long::sum);
                bytes.merge(cols[3], Long.parseLong(cols[2]), Long::sum);
            }
        }
        return new HeapHistogram(instances, bytes);
    }

    /** Bytes of all live objects. */
    public long totalBytes() {
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Live instances per class whose name starts with the prefix. */
    public Map<String, Long> instancesOf(String prefix) {
        return instances.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The classes that grew most since {@code before}, one per line: bytes, instances, class. */
    public String growthSince(HeapHistogram before, int top) {
        return bytes.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytes.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(top)
                .map(e -> String.format("%12d B %8d  %s", e.getValue(),
                        instances.getOrDefault(e.getKey(), 0L) - before.instances.getOrDefault(e.getKey(), 0L),
                        e.getKey()))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
        return Arrays.toString(new long[] {totalBytes()});
    }
}
