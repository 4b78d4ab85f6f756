package dev.sluice.junit;

import dev.sluice.Sluice;
import org.junit.jupiter.api.extension.ParameterContext;

import java.net.URI;
import java.util.function.Supplier;

/** The parameters both extension styles inject: {@link Sluice}, and {@link URI} marked {@link SluiceUri}. */
final class ProxyParameters {
    private ProxyParameters() {
    }

    static boolean supports(ParameterContext parameter) {
        Class<?> type = parameter.getParameter().getType();
        // A bare URI is left alone: other extensions may resolve URIs.
        return type == Sluice.class || type == URI.class && parameter.isAnnotated(SluiceUri.class);
    }

    static Object resolve(ParameterContext parameter, Supplier<Sluice> proxy) {
        if (parameter.getParameter().getType() == Sluice.class) {
            return proxy.get();
        }
        SluiceUri uri = parameter.findAnnotation(SluiceUri.class).orElseThrow();
        return proxy.get().uri(uri.scheme(), uri.path());
    }
}
