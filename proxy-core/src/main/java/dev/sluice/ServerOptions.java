package dev.sluice;

import dev.sluice.config.ListenerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.handler.HandlerChain;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import org.xnio.Option;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.util.Objects;

/**
 * The options of Undertow's connections and parser, the same on every client listener, whether
 * Undertow's builder binds it or Sluice does. The HTTP/2 settings are among them (they touch
 * only HTTP/2 connections), so one value holds for every listener.
 */
final class ServerOptions {
    private ServerOptions() {
    }

    static OptionMap of(SluiceConfig config, int keepAliveIdleMillis) {
        OptionMap.Builder options = OptionMap.builder();
        config.listeners().stream().map(ListenerConfig::http2).filter(Objects::nonNull).findFirst().ifPresent(http2 -> options
                .set(UndertowOptions.HTTP2_SETTINGS_ENABLE_PUSH, false)
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, http2.maxConcurrentStreams())
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, HandlerChain.parserHeaderCeiling(config.limits()))
                // a client that resets streams as fast as it opens them is cut off (CVE-2023-44487)
                .set(UndertowOptions.MAX_RST_FRAMES_PER_WINDOW, UndertowOptions.DEFAULT_MAX_RST_FRAMES_PER_WINDOW)
                .set(UndertowOptions.RST_FRAMES_TIME_WINDOW, UndertowOptions.DEFAULT_RST_FRAMES_TIME_WINDOW));
        return options
                .set(UndertowOptions.MAX_HEADER_SIZE, HandlerChain.parserHeaderCeiling(config.limits()))
                // No limit here: limits.max-request-body-size is counted by RequestLimitsHandler. Undertow
                // 2.4.4's own counter prints a raw stack trace to System.err every time a chunked
                // body goes past it (ChunkedStreamSourceConduit$MaxEntitySizeChecker).
                .set(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) config.limits().requestHeaderTimeout().toMillis())
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, keepAliveIdleMillis)
                // Undertow.build() turns this on for HTTP listeners. It holds each response to a
                // pipelined request back until a later request completes with nothing behind it:
                // behind a half-sent next request the answer never leaves, and behind bytes that
                // fail to parse it is dropped for the 400. Without it each response goes out at once.
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, false)
                .getMap();
    }

    /** Gives the builder's listeners these options. */
    static void apply(OptionMap options, Undertow.Builder builder) {
        options.forEach(option -> set(builder, option, options));
    }

    private static <T> void set(Undertow.Builder builder, Option<T> option, OptionMap options) {
        builder.setServerOption(option, options.get(option));
    }

    /** The proxy's XNIO worker: its IO threads serve the listeners, the upstream pools and the tunnels. */
    static XnioWorker worker(int ioThreads) {
        try {
            return Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, "sluice")
                    .set(Options.WORKER_IO_THREADS, ioThreads)
                    .set(Options.WORKER_TASK_CORE_THREADS, 2)
                    .set(Options.WORKER_TASK_MAX_THREADS, ioThreads * 4)
                    .set(Options.TCP_NODELAY, true)
                    .getMap());
        } catch (IOException e) {
            throw new SluiceException("cannot start the I/O threads: " + e.getMessage(), e);
        }
    }
}
