package dev.sluice;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Micrometer is optional: a proxy started where it is not on the class path (a class loader over
 * this test's class path without Micrometer's and Prometheus's jars) proxies, and its
 * {@code /metrics} answers 404 saying what to add.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SluiceWithoutMicrometerIT {

    @Test
    void proxiesWithoutMicrometerAndMetricsSaysWhatToAdd() throws Exception {
        List<URL> urls = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String entry : classPath().split(File.pathSeparator)) {
            String name = new File(entry).getName().toLowerCase(Locale.ROOT);
            if (name.contains("micrometer") || name.contains("prometheus") || name.startsWith("hdrhistogram")
                    || name.startsWith("latencyutils")) {
                left.add(name);
            } else if (!entry.isEmpty()) {
                urls.add(url(entry));
            }
        }
        assertTrue(left.stream().anyMatch(n -> n.startsWith("micrometer-core")), "left out: " + left);

        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader withoutMicrometer = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            thread.setContextClassLoader(withoutMicrometer);
            @SuppressWarnings("unchecked")
            Callable<String> probe = (Callable<String>) withoutMicrometer.loadClass(WithoutMicrometerProbe.class.getName())
                    .getDeclaredConstructor().newInstance();
            String[] outcome = probe.call().split("\n", 4);

            assertEquals("micrometer loadable: false", outcome[0]);
            assertEquals("GET through the proxy: 200", outcome[1]);
            assertEquals("GET /metrics: 404", outcome[2]);
            assertTrue(outcome[3].contains("io.micrometer:micrometer-registry-prometheus"), outcome[3]);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** The test class path: surefire and failsafe may start the JVM with a manifest-only jar. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static URL url(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }
}
