package dev.sluice.junit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.opentest4j.AssertionFailedError;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs a test class inside a test with JUnit's EngineTestKit, for tests of what the extension does
 * around tests (lifecycle, failures). The inner classes carry {@link Inner}: run any other way (an
 * IDE, a {@code -Dit.test} pattern that matches nested classes) they are skipped.
 */
final class InnerTests {
    private static final String RUN_INNER = "dev.sluice.junit.inner";

    private InnerTests() {
    }

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(OnlyInsideATest.class)
    @interface Inner {
    }

    static final class OnlyInsideATest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(RUN_INNER).isPresent()
                    ? ConditionEvaluationResult.enabled("run by InnerTests")
                    : ConditionEvaluationResult.disabled("an inner test class, run by the test around it");
        }
    }

    static EngineExecutionResults run(Class<?> testClass, Map<String, String> parameters) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(RUN_INNER, "true")
                .configurationParameters(parameters)
                .selectors(selectClass(testClass))
                .execute();
    }

    /** Runs the class and checks that its tests all passed, failing with the first inner failure if not. */
    static EngineExecutionResults runPassing(Class<?> testClass, int tests) {
        EngineExecutionResults results = run(testClass, Map.of());
        results.allEvents().failed().stream().findFirst().ifPresent(failed -> {
            throw new AssertionFailedError(failed.getTestDescriptor().getDisplayName() + " failed inside "
                    + testClass.getSimpleName(), failure(failed));
        });
        assertEquals(tests, results.testEvents().succeeded().count(), "tests passed in " + testClass.getSimpleName());
        return results;
    }

    static Throwable failure(Event failed) {
        return failed.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElse(null);
    }
}
