/**
 * The shared fixtures of the proxy-core tests; use these rather than writing another.
 * <ul>
 * <li>The proxy itself is started with the public fixture API, {@code Sluice.builder()}.</li>
 * <li>{@link dev.sluice.testing.HttpBackend}: a real HTTP upstream (Undertow) that records whole requests and
 *     answers as scripted.</li>
 * <li>{@link dev.sluice.testing.RawBackend}: an upstream on a bare socket, for exact bytes: scripted per
 *     connection, or answering WebSocket handshakes and handing the tunnel's far end to the test.</li>
 * <li>{@link dev.sluice.testing.HostileBackend}: a keep-alive upstream on a RawBackend that misbehaves as
 *     real servers do, chosen by the request's target (1xx before the answer, 304/204 with a length,
 *     early answers, hang-ups, unasked bytes); every ordinary answer names its request.</li>
 * <li>{@link dev.sluice.testing.RawPeer}: one end of a raw TCP connection (the client, or a RawBackend
 *     connection): write bytes, read heads, bodies and frames, await or cause its end.</li>
 * <li>{@link dev.sluice.testing.RawHttp}: the HTTP/1.1 head parser and body framing RawPeer reads with.</li>
 * <li>{@link dev.sluice.testing.WsWire}: WebSocket handshakes and frames by hand.</li>
 * <li>{@link dev.sluice.testing.WsEchoBackend}, {@link dev.sluice.testing.TomcatEchoBackend}: real WebSocket
 *     echo servers (Undertow, Tomcat); {@link dev.sluice.testing.WsRecorder}: a JDK WebSocket client listener
 *     that records messages and the close; {@link dev.sluice.testing.ReconnectingClient}: a JDK WebSocket
 *     client that reconnects when its session ended, as applications do.</li>
 * <li>{@link dev.sluice.testing.DeadServer}: an upstream address that refuses connections;
 *     {@link dev.sluice.testing.HeapHistogram}: live objects per class after a full GC.</li>
 * <li>{@link dev.sluice.testing.HttpClients}: the shared JDK HTTP/1.1 client;
 *     {@link dev.sluice.testing.TempDirs}: removes an embedded Tomcat's base directory.</li>
 * <li>{@link dev.sluice.testing.LogCapture}: records what the logging writes (slf4j-simple, to
 *     System.err) during a test, e.g. to assert that nothing logged a stack trace.</li>
 * </ul>
 */
package dev.sluice.testing;
