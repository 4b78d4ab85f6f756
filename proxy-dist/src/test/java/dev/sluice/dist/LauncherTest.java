package dev.sluice.dist;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The paths of {@link Launcher} that need no running proxy; the rest is covered by DistributionIT. */
class LauncherTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Launcher launcher = new Launcher(
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Path.of("home"));

    @Test
    void versionPrintsTheFilteredProjectVersion() {
        // The resource is filtered at build time; "unknown" or "${project.version}" would mean it was not.
        assertEquals(0, launcher.run("--version"));
        assertTrue(stdout().matches("sluice \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), stdout());
    }

    @Test
    void helpPrintsUsageToStdoutAndSucceeds() {
        // Asked-for help is not an error: stdout, exit 0.
        assertEquals(0, launcher.run("--help"));
        assertTrue(stdout().startsWith("Usage: sluice"), stdout());
        assertEquals("", stderr());
    }

    @Test
    void badCommandLineExits2WithMessageAndHintOnStderr() {
        // Scripts see exit 2 and a person sees what was wrong and where to look.
        assertEquals(2, launcher.run("--bogus"));
        assertEquals("", stdout());
        assertTrue(stderr().startsWith("sluice: unknown option '--bogus'"), stderr());
        assertTrue(stderr().contains("sluice --help"), stderr());
    }

    @Test
    void homeIsThePropertyElseTheEnvironmentElseTheCurrentDirectory() {
        // bin/sluice passes -Dsluice.home, which must win over a stale SLUICE_HOME variable.
        assertEquals(Path.of("/p"), Launcher.home("/p", "/e"));
        assertEquals(Path.of("/e"), Launcher.home(null, "/e"));
        assertEquals(Path.of("/e"), Launcher.home(" ", "/e"));
        assertEquals(Path.of(""), Launcher.home(null, null));
    }

    @Test
    void checkReadsTheTlsFilesRelativeToTheHome(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        // like nginx -t: --check opens the certificates, found under the home from any working directory
        Path config = java.nio.file.Files.writeString(home.resolve("sluice.yaml"), """
                listeners: [ { address: 127.0.0.1:0, tls: { certificate: conf/tls/cert.pem, private-key: conf/tls/key.pem } } ]
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """);
        Launcher inHome = new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), home);
        assertEquals(2, inHome.run("--check", "-c", config.toString()));
        assertEquals("listeners[0].tls (127.0.0.1:0): " + home.resolve("conf/tls/cert.pem")
                + ": no such certificate file" + System.lineSeparator(), stderr());
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
