package dev.sluice.testing;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded Tomcat 11 on 127.0.0.1:0 with a JSR-356 echo endpoint at {@link #PATH}, deployed
 * programmatically (WsSci plus a ServerEndpointConfig, no web.xml or annotation scanning).
 * Text comes back as text, binary as binary, up to {@link #MAX_MESSAGE} per message.
 */
public final class TomcatEchoBackend implements AutoCloseable {
    public static final String PATH = "/echo";
    /** Tomcat's default message buffer is 8 KiB; messages above it would be closed with 1009. */
    public static final int MAX_MESSAGE = 4 * 1024 * 1024;

    private final Tomcat tomcat;
    private final Path baseDir;
    private final AtomicInteger sessions = new AtomicInteger();
    private final String priorCatalinaHome = System.getProperty("catalina.home");
    private final String priorCatalinaBase = System.getProperty("catalina.base");

    private TomcatEchoBackend(Tomcat tomcat, Path baseDir) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
    }

    /** Starts Tomcat with an echo endpoint that accepts the given subprotocols. */
    public static TomcatEchoBackend start(String... subprotocols) {
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("sluice-tomcat-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tomcat tomcat = new Tomcat();
        TomcatEchoBackend backend = new TomcatEchoBackend(tomcat, baseDir);
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);

        StandardContext context = (StandardContext) tomcat.addContext("", null);
        // Leak detection needs --add-opens and only warns in a test JVM; nothing is redeployed here.
        context.setClearReferencesThreadLocals(false);
        context.setClearReferencesRmiTargets(false);
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer(backend.deployEcho(List.of(subprotocols)), null);
        // WsFilter only runs for a request mapped to some servlet; this one answers plain GETs.
        Tomcat.addServlet(context, "plain", new PlainServlet());
        context.addServletMappingDecoded("/", "plain");
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            backend.close();
            throw new IllegalStateException("embedded Tomcat did not start", e);
        }
        return backend;
    }

    /** Runs after WsSci (initializers run in the order added), when the ServerContainer exists. */
    private ServletContainerInitializer deployEcho(List<String> subprotocols) {
        return (classes, servletContext) -> {
            ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
            container.setDefaultMaxTextMessageBufferSize(MAX_MESSAGE);
            container.setDefaultMaxBinaryMessageBufferSize(MAX_MESSAGE);
            ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Echo.class, PATH)
                    .subprotocols(subprotocols)
                    .configurator(new ServerEndpointConfig.Configurator() {
                        @Override
                        public <T> T getEndpointInstance(Class<T> endpointClass) {
                            return endpointClass.cast(new Echo(sessions));
                        }
                    })
                    .build();
            try {
                container.addEndpoint(config);
            } catch (jakarta.websocket.DeploymentException e) {
                throw new jakarta.servlet.ServletException(e);
            }
        };
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** {@code http://127.0.0.1:port}, the form a Sluice upstream takes. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** WebSocket sessions opened so far. */
    public int sessions() {
        return sessions.get();
    }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("embedded Tomcat did not stop", e);
        } finally {
            // Tomcat publishes its dirs in these JVM-wide properties, and the next embedded Tomcat
            // would otherwise take this (deleted) dir as catalina.home and create it again.
            restoreProperty("catalina.home", priorCatalinaHome);
            restoreProperty("catalina.base", priorCatalinaBase);
            TempDirs.deleteRecursively(baseDir);
        }
    }

    private static void restoreProperty(String name, String prior) {
        if (prior == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, prior);
        }
    }

    /** Echo endpoint; the basic remote blocks a container thread, never an I/O loop, and keeps order. */
    public static final class Echo extends Endpoint {
        private final AtomicInteger sessions;

        public Echo(AtomicInteger sessions) {
            this.sessions = sessions;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            sessions.incrementAndGet();
            session.setMaxTextMessageBufferSize(MAX_MESSAGE);
            session.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
            session.addMessageHandler(String.class, text -> {
                try {
                    session.getBasicRemote().sendText(text);
                } catch (IOException e) {
                    closeAfter(session, e);
                }
            });
            session.addMessageHandler(ByteBuffer.class, bytes -> {
                try {
                    session.getBasicRemote().sendBinary(bytes);
                } catch (IOException e) {
                    closeAfter(session, e);
                }
            });
        }

        private static void closeAfter(Session session, IOException e) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "echo failed"));
            } catch (IOException ignored) {
                // the session is gone already
            }
        }
    }

    /** Answers plain GETs with 200 "plain"; lets WsFilter see WebSocket upgrades first. */
    private static final class PlainServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("plain");
        }
    }
}
