package dev.sluice.runtime;

import dev.sluice.http.IpLiteral;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientProvider;
import io.undertow.connector.ByteBufferPool;
import org.xnio.ChannelListener;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.Option;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioIoFactory;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.ssl.SslConnection;
import org.xnio.ssl.XnioSsl;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Undertow's HTTP/1.1 client connection with a {@link ResponseHeadGuard} under it, for the
 * scheme {@value #SCHEME}: every upstream connection Sluice makes goes through here (the pool's
 * servers are added under this scheme, see {@link #uriOf}). Registered as a {@link ClientProvider}
 * service, since Undertow's client finds providers only that way. For an {@code https://} server
 * the connection's options carry its {@link #TLS}: the handshake runs to its end first, and the
 * guard goes over the decrypted stream.
 *
 * <p>The guard must sit under the connection's response parser from its first byte, and Undertow
 * builds that parser in {@code HttpClientConnection}'s constructor, which is package-private
 * (2.4): it is called through a method handle looked up once. If an Undertow upgrade moves it,
 * the lookup fails when the first upstream pool is made, not on a request.
 */
public final class GuardedHttpClientProvider implements ClientProvider {
    /** The URI scheme of an upstream server whose connections are guarded. */
    public static final String SCHEME = "sluice-http";
    /** Told, for an upstream's connections, when one delivers bytes that no request asked for. */
    public static final Option<StrayBytesReport> STRAY_BYTES =
            Option.simple(GuardedHttpClientProvider.class, "STRAY_BYTES", StrayBytesReport.class);

    /** For an {@code https://} server: TLS over every connection to it, with its name and trust. */
    public static final Option<ServerTls> TLS = Option.simple(GuardedHttpClientProvider.class, "TLS", ServerTls.class);

    /**
     * False for a connection whose requests do not go out through {@link NotingConnection} (a
     * health check's): its guard, never told of a request, would take every answer for stray bytes.
     */
    public static final Option<Boolean> HEAD_GUARD = Option.simple(GuardedHttpClientProvider.class, "HEAD_GUARD",
            Boolean.class);

    /** Told, for a server's connections, when a connection to it cannot be made, and why. */
    public static final Option<ConnectFailureReport> CONNECT_FAILED =
            Option.simple(GuardedHttpClientProvider.class, "CONNECT_FAILED", ConnectFailureReport.class);

    /** What a server does when a connection to it failed. */
    public interface ConnectFailureReport {
        /** @param reason what the operator reads, e.g. {@code connection refused} */
        void failed(String reason);
    }

    /** What an upstream does when one of its connections sends bytes unasked (the connection is closed already). */
    public interface StrayBytesReport {
        void arrived(InetSocketAddress server, int bytes);
    }

    private static final MethodHandle NEW_CONNECTION = httpClientConnectionConstructor();

    /** The guarded form of an {@code http://host:port} server URI. */
    public static URI uriOf(String host, int port) {
        try {
            return new URI(SCHEME, null, host, port, null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a host name: " + host, e);
        }
    }

    @Override
    public Set<String> handlesSchemes() {
        return Set.of(SCHEME);
    }

    @Override
    public void connect(ClientCallback<ClientConnection> listener, URI uri, XnioWorker worker, XnioSsl ssl,
                        ByteBufferPool bufferPool, OptionMap options) {
        open(listener, null, uri, worker, bufferPool, options);
    }

    @Override
    public void connect(ClientCallback<ClientConnection> listener, InetSocketAddress bindAddress, URI uri,
                        XnioWorker worker, XnioSsl ssl, ByteBufferPool bufferPool, OptionMap options) {
        open(listener, bindAddress, uri, worker, bufferPool, options);
    }

    @Override
    public void connect(ClientCallback<ClientConnection> listener, URI uri, XnioIoThread ioThread, XnioSsl ssl,
                        ByteBufferPool bufferPool, OptionMap options) {
        open(listener, null, uri, ioThread, bufferPool, options);
    }

    @Override
    public void connect(ClientCallback<ClientConnection> listener, InetSocketAddress bindAddress, URI uri,
                        XnioIoThread ioThread, XnioSsl ssl, ByteBufferPool bufferPool, OptionMap options) {
        open(listener, bindAddress, uri, ioThread, bufferPool, options);
    }

    private static void open(ClientCallback<ClientConnection> listener, InetSocketAddress bindAddress, URI uri,
                             XnioIoFactory factory, ByteBufferPool bufferPool, OptionMap options) {
        InetAddress literal = IpLiteral.parse(uri.getHost());
        if (literal == null) {
            // A name is resolved where the configuration is built, never here on an IO thread.
            listener.failed(new UnknownHostException(uri.getHost() + " (not resolved when the configuration was loaded)"));
            return;
        }
        InetSocketAddress server = new InetSocketAddress(literal, uri.getPort() == -1 ? 80 : uri.getPort());
        ServerTls tls = options.get(TLS);
        ChannelListener<StreamConnection> opened = tls == null
                ? connection -> complete(listener, connection, server, bufferPool, options)
                : tcp -> handshake(listener, tcp, tls, server, bufferPool, options);
        IoFuture<StreamConnection> future = bindAddress == null
                ? factory.openStreamConnection(server, opened, options)
                : factory.openStreamConnection(bindAddress, server, opened, null, options);
        future.addNotifier((result, ignored) -> {
            if (result.getStatus() == IoFuture.Status.FAILED) {
                ConnectFailureReport report = options.get(CONNECT_FAILED);
                if (report != null) {
                    report.failed(reasonOf(result.getException()));
                }
                listener.failed(result.getException());
            }
        }, null);
    }

    private static void complete(ClientCallback<ClientConnection> listener, StreamConnection connection,
                                 InetSocketAddress server, ByteBufferPool bufferPool, OptionMap options) {
        try {
            listener.completed(guarded(connection, server, bufferPool, options));
        } catch (RuntimeException | Error e) {
            IoUtils.safeClose(connection);
            listener.failed(new IOException("cannot set up the connection to " + server, e));
        }
    }

    /** A TLS failure is a failure to connect: the server hears why, and the request goes elsewhere or gets 502. */
    private static void handshake(ClientCallback<ClientConnection> listener, StreamConnection tcp, ServerTls tls,
                                  InetSocketAddress server, ByteBufferPool bufferPool, OptionMap options) {
        SslConnection connection;
        try {
            connection = tls.wrap(tcp);
        } catch (RuntimeException e) {
            IoUtils.safeClose(tcp);
            listener.failed(new IOException("cannot set up TLS to " + tls.name() + ": " + reasonOf(e), e));
            return;
        }
        TlsHandshake.run(connection, tls.handshakeTimeoutMillis(), new TlsHandshake.Outcome() {
            @Override
            public void done(SslConnection secured) {
                complete(listener, secured, server, bufferPool, options);
            }

            @Override
            public void failed(IOException e) {
                String reason = tls.reasonOf(connection, e);
                ConnectFailureReport report = options.get(CONNECT_FAILED);
                if (report != null) {
                    report.failed(reason);
                }
                listener.failed(new IOException(reason, e));
            }
        });
    }

    private static ClientConnection guarded(StreamConnection connection, InetSocketAddress server,
                                            ByteBufferPool bufferPool, OptionMap options) {
        if (!options.get(HEAD_GUARD, true)) {
            return newConnection(connection, bufferPool, options);
        }
        StrayBytesReport report = options.get(STRAY_BYTES);
        ResponseHeadGuard guard = new ResponseHeadGuard(connection.getSourceChannel().getConduit(), bytes -> {
            closeAbruptly(connection);
            if (report != null) {
                report.arrived(server, bytes);
            }
        });
        connection.getSourceChannel().setConduit(guard);
        ClientConnection client = newConnection(connection, bufferPool, options);
        NotingConnection.guard(client, guard);
        return client;
    }

    private static ClientConnection newConnection(StreamConnection connection, ByteBufferPool bufferPool,
                                                  OptionMap options) {
        try {
            return (ClientConnection) NEW_CONNECTION.invoke(connection, options, bufferPool);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code Connection refused} as an operator reads it in a line: {@code connection refused}. */
    static String reasonOf(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        return Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    /** Undertow's clean close would wait for the upstream to hang up; a connection out of step is dropped now. */
    private static void closeAbruptly(StreamConnection connection) {
        try {
            connection.setOption(org.xnio.Options.CLOSE_ABORT, true);
        } catch (IOException | RuntimeException ignored) {
            // closed below either way
        }
        IoUtils.safeClose(connection);
    }

    private static MethodHandle httpClientConnectionConstructor() {
        try {
            Class<?> type = Class.forName("io.undertow.client.http.HttpClientConnection");
            var constructor = type.getDeclaredConstructor(StreamConnection.class, OptionMap.class, ByteBufferPool.class);
            constructor.setAccessible(true);
            return MethodHandles.lookup().unreflectConstructor(constructor)
                    .asType(MethodType.methodType(Object.class, StreamConnection.class, OptionMap.class, ByteBufferPool.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("this Undertow has no HttpClientConnection(StreamConnection, OptionMap,"
                    + " ByteBufferPool); Sluice needs it to guard upstream connections: " + e);
        }
    }
}
