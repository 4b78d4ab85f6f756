package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The value parsers on their own: the edges the whole-file tests do not reach. */
class ValueParsingTest {
    private static final Duration MAX = Duration.ofDays(7);

    @Test
    void durationsTakeEachUnit() {
        // ms, s, m, h and d (for long ones such as hsts: 365d) are the whole vocabulary
        assertEquals(Duration.ofMillis(250), Units.duration("250ms", Duration.ZERO, MAX));
        assertEquals(Duration.ofSeconds(5), Units.duration("5s", Duration.ZERO, MAX));
        assertEquals(Duration.ofMinutes(2), Units.duration("2m", Duration.ZERO, MAX));
        assertEquals(Duration.ofHours(1), Units.duration("1h", Duration.ZERO, MAX));
        assertEquals(Duration.ofDays(7), Units.duration("7d", Duration.ZERO, MAX));
        assertEquals("8d is too long (at most 168h)", assertThrows(IllegalArgumentException.class,
                () -> Units.duration("8d", Duration.ZERO, MAX)).getMessage());
        assertEquals(Duration.ZERO, Units.duration("0s", Duration.ZERO, MAX));
        assertThrows(IllegalArgumentException.class, () -> Units.duration("5 s", Duration.ZERO, MAX));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Units.duration("999999999999999999h", Duration.ZERO, MAX));
        assertEquals("999999999999999999h is too long (at most 168h)", e.getMessage());
    }

    @Test
    void sizesAreBinaryOrPlainBytes() {
        // a plain number is bytes; KiB/MiB/GiB are powers of 1024; overflow is "too large", not a wrap
        assertEquals(512, Units.size("512", 0, Long.MAX_VALUE));
        assertEquals(512, Units.size("512B", 0, Long.MAX_VALUE));
        assertEquals(16 * 1024, Units.size("16KiB", 0, Long.MAX_VALUE));
        assertEquals(10L << 20, Units.size("10MiB", 0, Long.MAX_VALUE));
        assertEquals(1L << 30, Units.size("1GiB", 0, Long.MAX_VALUE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Units.size("999999999999999999GiB", 0, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void listenAddressesKeepIpv6WithoutBrackets() {
        // brackets are syntax: HostPort holds the bare address and prints it bracketed again
        assertEquals(new HostPort("::", 8080), Addresses.hostPort("[::]:8080"));
        assertEquals("[::1]:0", Addresses.hostPort("[::1]:0").toString());
        assertEquals(new HostPort("proxy.internal", 80), Addresses.hostPort("proxy.internal:80"));
        assertThrows(IllegalArgumentException.class, () -> Addresses.hostPort("[::1]8080"));
        assertThrows(IllegalArgumentException.class, () -> Addresses.hostPort("[nothost]:80"));
        assertThrows(IllegalArgumentException.class, () -> Addresses.hostPort("host name:80"));
    }

    @Test
    void routeHostsKeepIpv6InBrackets() {
        // one form for an IPv6 route host, bracketed as in a Host header, whether written with brackets or not
        assertEquals("[::1]", Addresses.matchHost("[::1]"));
        assertEquals("[::1]", Addresses.matchHost("::1"));
        assertEquals("[fe80::a]", Addresses.matchHost("FE80::A"));
        assertEquals("example.com", Addresses.matchHost("Example.COM"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Addresses.matchHost("[::1]:8080"));
        assertTrue(e.getMessage().contains("write '[::1]'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Addresses.matchHost("example.com:8080"));
        assertTrue(e.getMessage().contains("write 'example.com'"), e.getMessage());
    }

    @Test
    void ipLiteralsNeverResolveNames() throws Exception {
        // names, octal-looking parts and zone ids are refused before the JDK could look anything up
        assertEquals(InetAddress.getByName("10.0.0.1"), Addresses.ipLiteral("10.0.0.1"));
        assertEquals(InetAddress.getByName("::1"), Addresses.ipLiteral("0:0:0:0:0:0:0:1"));
        for (String bad : List.of("example.com", "010.0.0.1", "1.2.3.4.5", "fe80::1%eth0", "", "::g")) {
            assertThrows(IllegalArgumentException.class, () -> Addresses.ipLiteral(bad), bad);
        }
        assertEquals(new Cidr(InetAddress.getByName("::"), 0), Addresses.cidr("::/0"));
        assertTrue(Addresses.cidr("192.168.0.0/16").contains(InetAddress.getByName("192.168.4.5")));
    }

    @Test
    void upstreamUrlsAreNormalisedWithTheirPort() {
        // the default port is written out and the host lower-cased, so equal servers compare equal
        assertEquals(URI.create("http://app.local:80"), Addresses.upstreamUrl("http://App.Local"));
        assertEquals(URI.create("http://[::1]:8081"), Addresses.upstreamUrl("http://[::1]:8081/"));
        assertThrows(IllegalArgumentException.class, () -> Addresses.upstreamUrl("http://127.0.0.1:8081?x=1"));
        assertThrows(IllegalArgumentException.class, () -> Addresses.upstreamUrl("http://:8081"));
    }

    @Test
    void environmentReferencesCanBeCombined() {
        // several references in one value, defaults with ':' in them, and the $${ escape
        Map<String, String> env = Map.of("A", "x", "EMPTY", "");
        assertEquals("x-x", EnvVars.substitute("${A}-${A}", env));
        assertEquals("http://h:1", EnvVars.substitute("${NOPE:-http://h:1}", env));
        assertEquals("", EnvVars.substitute("${EMPTY}", env));
        assertEquals("d", EnvVars.substitute("${EMPTY:-d}", env));
        assertEquals("${A}", EnvVars.substitute("$${A}", env));
        assertEquals("plain $ text", EnvVars.substitute("plain $ text", env));
        assertThrows(IllegalArgumentException.class, () -> EnvVars.substitute("${A}${", env));
        assertThrows(IllegalArgumentException.class, () -> EnvVars.substitute("${1A}", env));
    }

    @Test
    void suggestionsAreCloseOrNothing() {
        // within two edits, or the same words in another case style; far words get no suggestion
        List<String> keys = List.of("idle-timeout", "half-close-timeout", "max-tunnels");
        assertEquals("idle-timeout", Suggestions.closest("idle-timout", keys).orElseThrow());
        assertEquals("max-tunnels", Suggestions.closest("max_tunnels", keys).orElseThrow());
        assertEquals("half-close-timeout", Suggestions.closest("halfCloseTimeout", keys).orElseThrow());
        assertTrue(Suggestions.closest("timeout", keys).isEmpty());
    }

    @Test
    void hostileDocumentsAreCheapToRefuse() {
        // size and nesting limits apply before any binding
        Problems big = new Problems("t.yaml");
        assertEquals(null, SafeYaml.compose("#".repeat(SafeYaml.MAX_CODE_POINTS + 1), big));
        assertEquals("t.yaml: too large (more than 1048576 characters; a configuration is far smaller)",
                big.exception().getMessage());
        Problems deep = new Problems("t.yaml");
        SafeYaml.compose("[".repeat(100) + "]".repeat(100), deep);
        assertEquals("t.yaml:1:31: nested too deeply (at most 30 levels)", deep.exception().getMessage());
    }
}
