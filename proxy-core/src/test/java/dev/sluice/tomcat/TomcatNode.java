package dev.sluice.tomcat;

import dev.sluice.testing.TempDirs;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Valve;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One embedded Tomcat 11 on 127.0.0.1:0, assembled per test the way a team would deploy its
 * app: optional jvmRoute, engine valves, servlets, and the {@link NodeEndpoint} WebSocket
 * endpoint. Its base dir is a temp dir, deleted on {@link #close()}; close may be called
 * early (to take the node down mid-test) and again later.
 */
final class TomcatNode implements AutoCloseable {
    /** Largest WebSocket message either way; Tomcat's 8 KiB default would close a big one with 1009. */
    static final int MAX_MESSAGE = 4 * 1024 * 1024;

    private final String name;
    private final Tomcat tomcat;
    private final Path baseDir;
    private final BlockingQueue<CloseReason> webSocketCloses = new LinkedBlockingQueue<>();
    private boolean closed;

    private TomcatNode(String name, Tomcat tomcat, Path baseDir) {
        this.name = name;
        this.tomcat = tomcat;
        this.baseDir = baseDir;
    }

    static Builder named(String name) {
        return new Builder(name);
    }

    String name() {
        return name;
    }

    int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** {@code http://127.0.0.1:port}, the form a Sluice upstream server takes. */
    URI httpUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Close reasons the WebSocket endpoint's onClose saw, in order. */
    BlockingQueue<CloseReason> webSocketCloses() {
        return webSocketCloses;
    }

    /** Stops Tomcat (its port then refuses connections) and deletes its base dir. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("embedded Tomcat " + name + " did not stop", e);
        } finally {
            TempDirs.deleteRecursively(baseDir);
        }
    }

    static final class Builder {
        private final String name;
        private String jvmRoute;
        private final List<Valve> valves = new ArrayList<>();
        private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        private String webSocketPath;
        private boolean cookies = true;
        private final Map<String, String> files = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** {@code <Engine jvmRoute="...">}: Tomcat then ends every session id with {@code .route}. */
        Builder jvmRoute(String route) {
            this.jvmRoute = route;
            return this;
        }

        /** {@code <Context cookies="false">}: sessions travel in the URL ({@code ;jsessionid=}) only. */
        Builder withoutCookies() {
            this.cookies = false;
            return this;
        }

        /** An engine valve, as in server.xml. */
        Builder valve(Valve valve) {
            valves.add(valve);
            return this;
        }

        /** A servlet at this URL pattern; every servlet here supports async. */
        Builder servlet(String pattern, HttpServlet servlet) {
            servlets.put(pattern, servlet);
            return this;
        }

        /**
         * A static file of the web app (e.g. {@code sub/index.html}), served by Tomcat's
         * DefaultServlet with index.html as welcome file, as a WAR's files are: it answers a
         * directory without its '/' with a redirect to it.
         */
        Builder file(String path, String content) {
            files.put(path, content);
            return this;
        }

        /** Deploys {@link NodeEndpoint} at this path. A servlet must map it (e.g. "/") for WsFilter to run. */
        Builder webSocket(String path) {
            this.webSocketPath = path;
            return this;
        }

        TomcatNode start() {
            Path baseDir;
            try {
                baseDir = Files.createTempDirectory("sluice-tomcat-" + name + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Tomcat publishes its dirs in JVM-wide properties and a later Tomcat would take them
            // as its own; each node reads them while it starts and puts them back afterwards.
            String priorHome = System.getProperty("catalina.home");
            String priorBase = System.getProperty("catalina.base");
            Tomcat tomcat = new Tomcat();
            TomcatNode node = new TomcatNode(name, tomcat, baseDir);
            try {
                tomcat.setBaseDir(baseDir.toString());
                Connector connector = new Connector();
                connector.setPort(0);
                connector.setProperty("address", "127.0.0.1");
                tomcat.setConnector(connector);
                if (jvmRoute != null) {
                    tomcat.getEngine().setJvmRoute(jvmRoute);
                }
                valves.forEach(v -> tomcat.getEngine().getPipeline().addValve(v));

                Path docBase = files.isEmpty() ? null : writeFiles(baseDir.resolve("webapp"));
                StandardContext context = (StandardContext) tomcat.addContext("", docBase == null ? null
                        : docBase.toString());
                if (docBase != null) {
                    Tomcat.addServlet(context, "default", new DefaultServlet());
                    context.addServletMappingDecoded("/", "default");
                    context.addWelcomeFile("index.html");
                }
                // Leak detection needs --add-opens and only warns in a test JVM; nothing is redeployed.
                context.setClearReferencesThreadLocals(false);
                context.setClearReferencesRmiTargets(false);
                StandardManager sessions = new StandardManager();
                sessions.setPathname(null); // no SESSIONS.ser on stop: a stopped node forgets its sessions
                context.setManager(sessions);
                context.setCookies(cookies);
                if (webSocketPath != null) {
                    context.addServletContainerInitializer(new WsSci(), null);
                    context.addServletContainerInitializer(deployEndpoint(node), null);
                }
                servlets.forEach((pattern, servlet) -> {
                    String servletName = "servlet" + context.findChildren().length;
                    Wrapper wrapper = Tomcat.addServlet(context, servletName, servlet);
                    wrapper.setAsyncSupported(true);
                    context.addServletMappingDecoded(pattern, servletName);
                });
                tomcat.start();
            } catch (LifecycleException | RuntimeException e) {
                node.close();
                throw new IllegalStateException("embedded Tomcat " + name + " did not start", e);
            } finally {
                restoreProperty("catalina.home", priorHome);
                restoreProperty("catalina.base", priorBase);
            }
            return node;
        }

        private Path writeFiles(Path docBase) {
            try {
                for (Map.Entry<String, String> file : files.entrySet()) {
                    Path target = docBase.resolve(file.getKey());
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, file.getValue());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return docBase;
        }

        /** Runs after WsSci (initializers run in the order added), when the ServerContainer exists. */
        private ServletContainerInitializer deployEndpoint(TomcatNode node) {
            String path = webSocketPath;
            return (classes, servletContext) -> {
                ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
                container.setDefaultMaxTextMessageBufferSize(MAX_MESSAGE);
                container.setDefaultMaxBinaryMessageBufferSize(MAX_MESSAGE);
                ServerEndpointConfig config = ServerEndpointConfig.Builder.create(NodeEndpoint.class, path)
                        .configurator(new NodeEndpoint.Configurator(node.name, node.webSocketCloses))
                        .build();
                try {
                    container.addEndpoint(config);
                } catch (DeploymentException e) {
                    throw new jakarta.servlet.ServletException(e);
                }
            };
        }

        private static void restoreProperty(String property, String prior) {
            if (prior == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, prior);
            }
        }
    }
}
