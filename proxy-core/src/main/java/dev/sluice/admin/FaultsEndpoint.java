package dev.sluice.admin;

import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.FaultConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.fault.ActiveFault;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static dev.sluice.admin.AdminAnswers.empty;
import static dev.sluice.admin.AdminAnswers.json;
import static dev.sluice.admin.AdminAnswers.notAllowed;
import static dev.sluice.admin.AdminAnswers.text;

/**
 * {@code /faults} and {@code /faults/NAME}: faults switched on and off at run time over HTTP, so
 * that a test in any language can use them. A body is read by the same loader as the YAML file's
 * {@code faults:}, so it is JSON or YAML, one fault or a list, and its problems are told as the
 * file's are. Shapes: see {@link FaultJson}.
 *
 * <pre>
 *   GET    /faults        200 {"faults":[{"fault":{...},"acted":N}, ...]}
 *   POST   /faults        201 the added faults, same shape (names given); 400 every problem as
 *                         "POST /faults:line:column: key: message"; 409 a name is on already; 413 over 64 KiB
 *   DELETE /faults        204, every fault off
 *   GET    /faults/NAME   200 {"fault":{...},"acted":N}, or 404
 *   DELETE /faults/NAME   204, or 404
 * </pre>
 */
final class FaultsEndpoint {
    static final String PATH = "/faults";
    /** The source name a body's problems are told with. */
    static final String SOURCE = "POST /faults";
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(FaultsEndpoint.class);

    private final RunningProxy sluice;

    FaultsEndpoint(RunningProxy sluice) {
        this.sluice = sluice;
    }

    /** Whether the path is one of these endpoints. */
    static boolean serves(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    /** Answers a request on {@code /faults} or below; called on a worker thread, as it may read a body. */
    void handle(HttpServerExchange exchange) throws IOException {
        String path = exchange.getRequestPath();
        HttpString method = exchange.getRequestMethod();
        if (path.equals(PATH)) {
            if (method.equals(Methods.GET) || method.equals(Methods.HEAD)) {
                json(exchange, StatusCodes.OK, FaultJson.list(sluice.faults().list()));
            } else if (method.equals(Methods.POST)) {
                add(exchange);
            } else if (method.equals(Methods.DELETE)) {
                sluice.faults().clear();
                empty(exchange, StatusCodes.NO_CONTENT);
            } else {
                notAllowed(exchange, "GET, POST, DELETE");
            }
            return;
        }
        String name = path.substring(PATH.length() + 1);
        if (method.equals(Methods.GET) || method.equals(Methods.HEAD)) {
            Optional<ActiveFault> fault = sluice.faults().find(name);
            if (fault.isPresent()) {
                json(exchange, StatusCodes.OK, FaultJson.one(fault.get()));
            } else {
                noSuchFault(exchange, name);
            }
        } else if (method.equals(Methods.DELETE)) {
            if (sluice.faults().remove(name)) {
                empty(exchange, StatusCodes.NO_CONTENT);
            } else {
                noSuchFault(exchange, name);
            }
        } else {
            notAllowed(exchange, "GET, DELETE");
        }
    }

    private void add(HttpServerExchange exchange) throws IOException {
        String body = body(exchange);
        if (body == null) {
            return;
        }
        List<String> routes = sluice.config().routes().stream().map(RouteConfig::path).toList();
        List<FaultConfig> faults;
        try {
            faults = ConfigLoader.parseFaults(body, SOURCE, routes);
        } catch (ConfigException e) {
            refuse(exchange, StatusCodes.BAD_REQUEST, e.problems().stream().map(ConfigProblem::toString)
                    .collect(Collectors.joining("\n")));
            return;
        }
        try {
            json(exchange, StatusCodes.CREATED, FaultJson.list(sluice.faults().addAll(faults)));
        } catch (IllegalStateException e) {
            refuse(exchange, StatusCodes.CONFLICT, SOURCE + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // the routes changed by a reload since the body was checked
            refuse(exchange, StatusCodes.BAD_REQUEST, SOURCE + ": " + e.getMessage());
        }
    }

    /** The body as text, or null when it was refused (and answered). */
    private static String body(HttpServerExchange exchange) throws IOException {
        if (exchange.getRequestContentLength() > MAX_BODY_BYTES) {
            tooLarge(exchange); // Undertow drains the unread body when the exchange ends
            return null;
        }
        exchange.startBlocking();
        byte[] bytes = exchange.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            tooLarge(exchange);
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            refuse(exchange, StatusCodes.BAD_REQUEST, SOURCE + ": the body is not UTF-8 text (send JSON or YAML)");
            return null;
        }
    }

    private static void tooLarge(HttpServerExchange exchange) {
        refuse(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, SOURCE + ": the body is over " + MAX_BODY_BYTES
                + " bytes (a list of faults is far smaller)");
    }

    private static void noSuchFault(HttpServerExchange exchange, String name) {
        text(exchange, StatusCodes.NOT_FOUND, "no fault named '" + name + "' is on (GET /faults lists them)");
    }

    /** A change refused: logged, since the client may not show the answer. */
    private static void refuse(HttpServerExchange exchange, int status, String reasons) {
        log.info("SLU3004 fault change refused ({}): {}", status, reasons.replace('\n', ' '));
        text(exchange, status, reasons);
    }
}
