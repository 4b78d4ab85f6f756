package dev.sluice.junit;

import dev.sluice.Sluice;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Optional;

/**
 * The extension behind {@link SluiceTest}. Each proxy lives in the JUnit store of the context it
 * belongs to (the annotated class's, or the test's), so JUnit closes it with that context even if a
 * callback here never ran (e.g. a constructor that took it threw).
 */
final class SluiceTestExtension implements BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SluiceTestExtension.class);

    /** The annotation in force, and the context whose proxy a caller gets (null: none here). */
    private record Scope(SluiceTest test, ExtensionContext owner) {
        /** The key is the owner's id: stores look up their parents, and a @Nested class may have its own. */
        LazyProxy proxy() {
            return owner == null ? null : owner.getStore(NAMESPACE).getOrComputeIfAbsent(owner.getUniqueId(),
                    id -> new LazyProxy(() -> TestConfigFile.start(test.config(), loader(owner))),
                    LazyProxy.class);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        scope(context).proxy().beforeTest(context); // up before the test's @BeforeEach methods
    }

    @Override
    public void afterEach(ExtensionContext context) {
        end(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        end(context);
    }

    private static void end(ExtensionContext context) {
        Scope scope = scope(context);
        LazyProxy proxy = scope.proxy();
        if (proxy != null) {
            HarOnFailure.afterFailure(context, proxy.running());
            if (scope.owner() == context) {
                proxy.close();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return ProxyParameters.supports(parameter);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return ProxyParameters.resolve(parameter, () -> proxy(context));
    }

    /** Constructors get the test's context, so that a per-test proxy can be injected there too. */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    private static Sluice proxy(ExtensionContext context) {
        LazyProxy proxy = scope(context).proxy();
        if (proxy == null) {
            throw new ExtensionConfigurationException("@SluiceTest(lifecycle = PER_METHOD) has a proxy only for"
                    + " a test: ask for it in test, @BeforeEach or @AfterEach methods, or use PER_CLASS");
        }
        return proxy.get();
    }

    private static ClassLoader loader(ExtensionContext context) {
        return context.getRequiredTestClass().getClassLoader();
    }

    /** The nearest class context (this one or an enclosing one) annotated @SluiceTest. */
    private static Scope scope(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getElement().orElse(null) instanceof Class<?> testClass) {
                Optional<SluiceTest> test = AnnotationSupport.findAnnotation(testClass, SluiceTest.class);
                if (test.isPresent()) {
                    boolean perClass = test.get().lifecycle() == SluiceTest.Lifecycle.PER_CLASS;
                    return new Scope(test.get(), perClass ? c : context.getTestMethod().isPresent() ? context : null);
                }
            }
        }
        throw new ExtensionConfigurationException("no @SluiceTest on " + context.getDisplayName()
                + " or an enclosing class: use @SluiceTest, not @ExtendWith(SluiceTestExtension.class)");
    }
}
