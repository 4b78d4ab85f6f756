package dev.sluice.junit;

import dev.sluice.Sluice;
import dev.sluice.SluiceBuilder;
import dev.sluice.config.SluiceConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A proxy for a test class or for each test, registered with {@code @RegisterExtension}: in a
 * static field one proxy serves every test of the class and closes after the class; in an
 * instance field each test gets its own, closed after the test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static SluiceExtension sluice = SluiceExtension.of(() -> Sluice.builder().route("/", backend.uri()));
 *
 * @Test
 * void chat() {
 *     URI chat = sluice.uri("ws", "/chat");   // or a parameter: @SluiceUri(scheme = "ws", path = "/chat") URI chat
 * }
 * }</pre>
 *
 * <p>The configuration is asked for when the proxy is first needed: before the first test, or
 * earlier when a {@code @BeforeAll} method asks for it. So it may name a backend that a
 * {@code @BeforeAll} method started on port 0. Test and lifecycle methods and constructors may
 * take {@link Sluice} and {@link SluiceUri @SluiceUri} {@link URI} parameters. Each test starts
 * with an empty {@link Sluice#recording() recording}, which a failed test leaves behind as a HAR
 * file, and without the faults earlier tests added at run time; tunnels earlier tests left open are
 * reported, not closed (see the {@link dev.sluice.junit package} description).
 */
public final class SluiceExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback, ParameterResolver {
    private final LazyProxy proxy;
    /** Unique id of the class or test whose end closes the proxy; null outside one. */
    private String scope;

    private SluiceExtension(Supplier<Sluice> starter) {
        this.proxy = new LazyProxy(starter);
    }

    /** A proxy from {@link Sluice#builder()}: 127.0.0.1 port 0, closes at once, no access log, records. */
    public static SluiceExtension of(Supplier<SluiceBuilder> builder) {
        Objects.requireNonNull(builder, "builder");
        return new SluiceExtension(() -> builder.get().start());
    }

    /**
     * A proxy from a whole configuration (records, or {@code ConfigLoader.parse(...)}), recording
     * exchanges and message metadata as a builder's does.
     */
    public static SluiceExtension ofConfig(Supplier<SluiceConfig> config) {
        Objects.requireNonNull(config, "config");
        return new SluiceExtension(() -> Sluice.start(Sluice.recorded(config.get())));
    }

    /**
     * A proxy from YAML: a class path resource, else a file. {@code ${VAR}} takes system properties
     * first, then the environment, when the proxy starts. Give it {@code listeners: [{address: 127.0.0.1:0}]}.
     * It records as a builder's does.
     */
    public static SluiceExtension fromYaml(String location) {
        Objects.requireNonNull(location, "location");
        return new SluiceExtension(() -> TestConfigFile.start(location, classLoader()));
    }

    /** The running proxy, started now if no test has needed it yet. */
    public synchronized Sluice proxy() {
        if (scope == null) {
            throw new IllegalStateException("a SluiceExtension runs its proxy only during its test class (static"
                    + " field) or test (instance field): register it with @RegisterExtension");
        }
        return proxy.get();
    }

    /** {@code proxy().uri(scheme, path)}, e.g. {@code uri("ws", "/chat")}. */
    public URI uri(String scheme, String path) {
        return proxy().uri(scheme, path);
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        // Only a static field is called here. A @Nested class goes on with the enclosing class's proxy.
        if (scope == null) {
            scope = context.getUniqueId();
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (scope == null) {
            scope = context.getUniqueId();
        }
        proxy.beforeTest(context); // up before the test's @BeforeEach methods
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        end(context);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        end(context);
    }

    private void end(ExtensionContext context) {
        HarOnFailure.afterFailure(context, proxy.running());
        if (context.getUniqueId().equals(scope)) {
            scope = null;
            proxy.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return ProxyParameters.supports(parameter);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return ProxyParameters.resolve(parameter, this::proxy);
    }

    private static ClassLoader classLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : SluiceExtension.class.getClassLoader();
    }
}
