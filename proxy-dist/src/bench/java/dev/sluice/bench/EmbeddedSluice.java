package dev.sluice.bench;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs Sluice from a YAML file without the distribution's {@code bin/sluice}: the benchmark's
 * fallback while {@code proxy-dist} has no launcher yet. Stops (closing the proxy) on SIGTERM.
 */
public final class EmbeddedSluice {
    private EmbeddedSluice() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: EmbeddedSluice CONFIG.yaml");
            System.exit(2);
        }
        Sluice proxy;
        try {
            proxy = Sluice.start(ConfigLoader.load(Path.of(args[0])));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            stopped.countDown();
        }, "embedded-sluice-stop"));
        System.out.println("embedded Sluice listening on " + proxy.listenerAddresses());
        stopped.await();
    }
}
