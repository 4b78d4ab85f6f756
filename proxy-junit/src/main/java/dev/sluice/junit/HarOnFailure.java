package dev.sluice.junit;

import dev.sluice.Sluice;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a test (or a class's {@code @BeforeAll}/{@code @AfterAll}) fails, writes what crossed the
 * proxy as a HAR file, {@code DIR/<test class>/<test method>.har} ({@code class.har} for the
 * class), so that a person can open it in a browser's developer tools. DIR is the configuration
 * parameter or system property {@value #DIRECTORY}, by default {@value #DEFAULT_DIRECTORY}.
 */
final class HarOnFailure {
    static final String DIRECTORY = "sluice.har.dir";
    static final String DEFAULT_DIRECTORY = "target/sluice";
    /** The report entry that names the file. */
    static final String REPORT_KEY = "sluice.har";
    /** The last segment of a parameterized or repeated test invocation's unique id, e.g. {@code [test-template-invocation:#2]}. */
    private static final Pattern INVOCATION = Pattern.compile(":#(\\d+)]$");

    private HarOnFailure() {
    }

    /** After a test, or after a class with {@code context} the class's; {@code proxy} null when none ran. */
    static void afterFailure(ExtensionContext context, Sluice proxy) {
        Throwable failure = context.getExecutionException().orElse(null);
        if (proxy == null || failure == null || failure instanceof TestAbortedException) {
            return;
        }
        String failed = "sluice: " + name(context) + " failed";
        if (!proxy.recording().isOn()) {
            System.err.println(failed + "; its proxy records nothing (recording(false)), so there is no HAR file");
            return;
        }
        Path file = file(context);
        try {
            proxy.recording().writeHar(file);
        } catch (IOException | RuntimeException e) {
            // The test's own failure is what matters: report this one beside it, never instead of it.
            System.err.println(failed + ", and its HAR file " + file + " could not be written: " + e);
            return;
        }
        context.publishReportEntry(REPORT_KEY, file.toString());
        System.err.println(failed + "; what crossed the proxy is in " + file
                + " (open it in a browser's developer tools: Network, import HAR)");
    }

    /** {@code ChatTest > sends()}, or {@code ChatTest} for the class. */
    private static String name(ExtensionContext context) {
        String testClass = context.getRequiredTestClass().getSimpleName();
        return context.getTestMethod().isPresent() ? testClass + " > " + context.getDisplayName() : testClass;
    }

    static Path file(ExtensionContext context) {
        Path directory = Path.of(context.getConfigurationParameter(DIRECTORY).orElse(DEFAULT_DIRECTORY));
        String name = context.getTestMethod().map(method -> method.getName() + invocation(context)).orElse("class");
        return directory.resolve(context.getRequiredTestClass().getName()).resolve(name + ".har").toAbsolutePath();
    }

    /** "-2" for the second invocation of a parameterized or repeated test, so each has its file. */
    private static String invocation(ExtensionContext context) {
        Matcher m = INVOCATION.matcher(context.getUniqueId());
        return m.find() ? "-" + m.group(1) : "";
    }
}
