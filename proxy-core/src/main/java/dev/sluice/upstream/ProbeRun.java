package dev.sluice.upstream;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One health check in flight: its connection, the deadline over all of it (connect included),
 * and the promise that its result is given exactly once, whatever comes late. All its state
 * lives on the check's IO thread; callbacks that arrive elsewhere are moved there.
 *
 * <p>A connect still pending at the deadline cannot be cancelled: Undertow's client keeps the
 * connect's IoFuture to itself. The check ends at the deadline all the same; the connection is
 * closed the moment it completes, or the connect fails when the OS gives up on it.
 */
final class ProbeRun implements HealthProbe.Check {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeRun.class);

    /** How far the check got; a timeout or a failure is told in those terms. */
    private enum Phase { CONNECTING, WAITING, READING }

    private final XnioIoThread ioThread;
    private final CheckExchange exchange;
    private final Duration timeout;
    private final Consumer<CheckResult> done;
    private XnioExecutor.Key timer;
    private ClientConnection connection;
    private Phase phase = Phase.CONNECTING;
    /** The verdict once the answer's head has settled it; what follows only tidies up. */
    private CheckResult decided;
    private boolean finished;

    ProbeRun(XnioIoThread ioThread, CheckExchange exchange, Duration timeout, Consumer<CheckResult> done) {
        this.ioThread = ioThread;
        this.exchange = exchange;
        this.timeout = timeout;
        this.done = done;
    }

    /** Starts the check; on the IO thread. */
    void start(InetSocketAddress address, String hostHeader, CheckConnection how, ByteBufferPool bufferPool) {
        if (address == null || address.isUnresolved()) {
            finish(CheckResult.unhealthy("address not resolved"));
            return;
        }
        try {
            timer = ioThread.executeAfter(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
            UndertowClient.getInstance().connect(new ClientCallback<>() {
                @Override
                public void completed(ClientConnection result) {
                    onIoThread(() -> connected(result, hostHeader));
                }

                @Override
                public void failed(IOException e) {
                    onIoThread(() -> fail(e));
                }
            }, uriOf(how.scheme(), address), ioThread, bufferPool, how.options());
        } catch (RejectedExecutionException stopping) {
            finish(CheckResult.unhealthy("worker stopping"));
        } catch (RuntimeException e) {
            finish(CheckResult.unhealthy("cannot connect: " + e.getMessage()));
        }
    }

    @Override
    public void abort() {
        onIoThread(() -> finish(CheckResult.unhealthy("check stopped")));
    }

    /** The answer's head settled the verdict; a deadline or failure from now on ends the check with it. */
    void decided(CheckResult result) {
        decided = result;
    }

    /** Ends the check with {@code result}, closes its connection at once; nothing after the first call counts. */
    void finish(CheckResult result) {
        if (finished) {
            return;
        }
        finished = true;
        if (timer != null) {
            timer.remove();
        }
        if (connection != null) {
            closeNow(connection);
        }
        try {
            done.accept(result);
        } catch (RuntimeException e) {
            LOG.warn("a health check's result could not be handled", e);
        }
    }

    /** Fails the check with an operator's reading of {@code e}. */
    void fail(IOException e) {
        if (finished) {
            return;
        }
        LOG.trace("health check failed in phase {}", phase, e);
        finish(decided != null ? decided : CheckResult.unhealthy(reason(e)));
    }

    private void connected(ClientConnection result, String hostHeader) {
        if (finished) {
            closeNow(result); // came after the deadline
            return;
        }
        connection = result;
        phase = Phase.WAITING;
        result.sendRequest(exchange.request(hostHeader), new ClientCallback<>() {
            @Override
            public void completed(ClientExchange sent) {
                sent.setResponseListener(new ClientCallback<>() {
                    @Override
                    public void completed(ClientExchange answered) {
                        if (!finished) {
                            phase = Phase.READING;
                            exchange.answered(answered, ProbeRun.this);
                        }
                    }

                    @Override
                    public void failed(IOException e) {
                        fail(e);
                    }
                });
            }

            @Override
            public void failed(IOException e) {
                fail(e);
            }
        });
    }

    private void timedOut() {
        timer = null;
        if (decided != null) {
            finish(decided);
            return;
        }
        String within = " within " + text(timeout);
        finish(CheckResult.unhealthy(phase == Phase.CONNECTING ? "no connection" + within : "no answer" + within));
    }

    private String reason(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (phase == Phase.CONNECTING) {
            return e instanceof ConnectException || message.contains("refused")
                    ? "connection refused" : "cannot connect: " + message;
        }
        if (e.getCause() != null && !(e.getCause() instanceof IOException)) {
            return "invalid answer: " + e.getCause().getMessage(); // Undertow wraps what its parser threw
        }
        return message.contains("reset") ? "connection reset before an answer" : "connection closed before an answer";
    }

    private void onIoThread(Runnable task) {
        if (XnioIoThread.currentThread() == ioThread) {
            task.run();
            return;
        }
        try {
            ioThread.execute(task);
        } catch (RejectedExecutionException stopping) {
            // the worker is stopping and closes this check's connection with it
        }
    }

    /**
     * Closes at once. ClientConnection.close() is a clean close that waits for the server to
     * hang up first, which a server that hangs is never going to do; performUpgrade() is the
     * one way Undertow's client hands out the raw socket.
     */
    private static void closeNow(ClientConnection connection) {
        try {
            IoUtils.safeClose(connection.performUpgrade());
        } catch (IOException | RuntimeException e) {
            IoUtils.safeClose(connection);
        }
    }

    /** The address as a literal in a URI, so that connecting never looks a name up. */
    private static URI uriOf(String scheme, InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host.replace("%", "%25") + "]";
        }
        return URI.create(scheme + "://" + host + ":" + address.getPort());
    }

    /** {@code 2s}, {@code 1500ms}: as an operator wrote it. */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
