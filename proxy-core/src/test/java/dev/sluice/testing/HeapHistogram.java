package dev.sluice.testing;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
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

    /** Per class, what this histogram has more of than {@code before}. */
    public HeapHistogram minus(HeapHistogram before) {
        return new HeapHistogram(difference(instances, before.instances), difference(bytes, before.bytes));
    }

    /** The classes with the most bytes, one per line: bytes, instances, class; each divided by {@code per}. */
    public String top(int count, long per) {
        return bytes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(count)
                .map(e -> String.format("%10.1f B %6.2f  %s", (double) e.getValue() / per,
                        (double) instances.getOrDefault(e.getKey(), 0L) / per, e.getKey()))
                .collect(Collectors.joining("\n"));
    }

    private static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> difference = new HashMap<>(after);
        before.forEach((name, n) -> difference.merge(name, -n, Long::sum));
        return difference;
    }
}
