package dev.sluice;

import dev.sluice.config.Builtin;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.UpstreamConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;

/**
 * Run by {@link SluiceWithoutMicrometerIT} in a class loader without Micrometer: starts a proxy
 * in front of the built-in echo, with the admin API, and says what a GET through it and a GET of
 * {@code /metrics} got.
 */
public final class WithoutMicrometerProbe implements Callable<String> {
    @Override
    public String call() throws Exception {
        boolean micrometer;
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry", false, getClass().getClassLoader());
            micrometer = true;
        } catch (ClassNotFoundException e) {
            micrometer = false;
        }
        try (Sluice proxy = Sluice.builder()
                .upstream(UpstreamConfig.builtin("echo", Builtin.ECHO))
                .route(RouteConfig.of("/", "echo"))
                .admin("127.0.0.1", 0)
                .start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> echo = http.send(HttpRequest.newBuilder(proxy.uri("http", "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            URI metricsUri = URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + "/metrics");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(metricsUri).build(),
                    HttpResponse.BodyHandlers.ofString());
            return "micrometer loadable: " + micrometer + "\nGET through the proxy: " + echo.statusCode()
                    + "\nGET /metrics: " + metrics.statusCode() + "\n" + metrics.body();
        }
    }
}
