package dev.sluice.junit.example;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Stands in for your application: an embedded Tomcat on 127.0.0.1 port 0 with one JSR-356
 * endpoint, {@code /chat}, that answers each message with {@code "echo: " + message}.
 */
final class ChatServer implements AutoCloseable {

    @ServerEndpoint("/chat")
    public static class ChatEndpoint {
        @OnMessage
        public String onMessage(String message) {
            return "echo: " + message;
        }

        @OnError
        public void onError(Throwable error) {
            // a connection reset is what some of the tests inject: nothing to report
        }
    }

    private final Tomcat tomcat = new Tomcat();
    private final Path baseDir;

    private ChatServer(Path baseDir) {
        this.baseDir = baseDir;
    }

    static ChatServer start() throws IOException, LifecycleException {
        ChatServer server = new ChatServer(Files.createTempDirectory("chat-tomcat-"));
        server.tomcat.setBaseDir(server.baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        server.tomcat.setConnector(connector);
        Context context = server.tomcat.addContext("", null);
        // WsSci deploys the @ServerEndpoint classes it is given, as it would after a class path scan.
        context.addServletContainerInitializer(new WsSci(), Set.of(ChatEndpoint.class));
        // Tomcat runs its WebSocket upgrade filter only for requests mapped to some servlet.
        Tomcat.addServlet(context, "none", new HttpServlet() { });
        context.addServletMappingDecoded("/", "none");
        server.tomcat.start();
        return server;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
    }

    @Override
    public void close() throws LifecycleException, IOException {
        tomcat.stop();
        tomcat.destroy();
        try (Stream<Path> files = Files.walk(baseDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }
}
