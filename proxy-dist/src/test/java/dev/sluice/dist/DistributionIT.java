package dev.sluice.dist;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the built distribution the way an operator does: {@code target/sluice/bin/sluice} as a
 * child process, judged by its exit code, its output and what it serves.
 */
class DistributionIT {
    private static final Path DIST = LaunchedSluice.DIST;
    private static final String VERSION = System.getProperty("sluice.version", "0.1.0-SNAPSHOT");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30); // a cold JVM on a busy 2-core machine
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private final List<LaunchedSluice> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopEveryProcess() throws InterruptedException {
        for (LaunchedSluice sluice : processes) {
            sluice.kill(STOP_TIMEOUT);
        }
    }

    @Test
    void distributionHasLauncherLibrariesConfigurationAndLogsFolder() throws IOException {
        // The layout the README promises; bin/sluice must be executable straight out of the build.
        assertTrue(Files.getPosixFilePermissions(DIST.resolve("bin/sluice")).contains(PosixFilePermission.OWNER_EXECUTE));
        assertTrue(Files.isRegularFile(DIST.resolve("lib/proxy-dist-" + VERSION + ".jar")));
        assertTrue(Files.isRegularFile(DIST.resolve("lib/proxy-core-" + VERSION + ".jar")));
        assertTrue(Files.isRegularFile(DIST.resolve("conf/sluice.yaml")));
        assertTrue(Files.isDirectory(DIST.resolve("logs")));
    }

    @Test
    void defaultConfigServesTheEchoDemoPage() throws Exception {
        // First run with nothing configured: GET / in a browser shows the built-in WebSocket echo page.
        LaunchedSluice sluice = launch("-c", defaultConfigOnPortZero().toString());
        int port = sluice.awaitListeningPort();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Accept", "text/html").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        assertTrue(page.body().contains("WebSocket"), page.body());
    }

    @Test
    void defaultConfigEchoesWebSocketMessages() throws Exception {
        // The demo's WebSocket half: a text message comes back unchanged through a real tunnel.
        LaunchedSluice sluice = launch("-c", defaultConfigOnPortZero().toString());
        int port = sluice.awaitListeningPort();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new TextCollector(received))
                .get(10, TimeUnit.SECONDS);
        try {
            ws.sendText("hello through sluice", true).get(10, TimeUnit.SECONDS);
            assertEquals("hello through sluice", received.poll(10, TimeUnit.SECONDS), "echo of the sent message");
        } finally {
            ws.abort();
        }
    }

    @Test
    void sigtermDrainsAndExitsZero() throws Exception {
        // systemd and Kubernetes stop with TERM; a clean stop must report 0, not 143.
        LaunchedSluice sluice = launch("-c", defaultConfigOnPortZero().toString());
        sluice.awaitListeningPort();
        sluice.process().destroy(); // SIGTERM on Unix
        assertEquals(0, sluice.awaitExit(STOP_TIMEOUT), sluice.stderr());
        assertTrue(sluice.stderr().contains("received SIGTERM"), sluice.stderr());
    }

    @Test
    void aSecondRunMapsTheClassesTheFirstRunArchivedAsItStopped() throws Exception {
        // Class data sharing, made by bin/sluice: the first run writes lib/cds-KEY.jsa at its exit.
        forgetEarlierRuns();
        LaunchedSluice first = launch("-c", defaultConfigOnPortZero().toString());
        first.awaitListeningPort();
        first.process().destroy();
        assertEquals(0, first.awaitExit(STOP_TIMEOUT), first.stderr());
        assertEquals(1, classArchives().size(), "one archive in lib/");
        assertEquals("", first.stdout(), "the JVM's notes about the archive stay off stdout");

        LaunchedSluice second = launch(DIST.resolve("bin/sluice"), Map.of("JAVA_OPTS", "-Xlog:class+load=info"),
                "-c", defaultConfigOnPortZero().toString());
        second.awaitListeningPort();
        // Sluice's own classes come from the archive, not from its jar.
        await().atMost(START_TIMEOUT).until(() -> second.stdout().contains("dev.sluice.Sluice source: shared objects file (top)"));
    }

    @Test
    void aShortRunNeitherMakesNorUsesAClassArchive() throws Exception {
        forgetEarlierRuns();
        assertEquals(0, launch("--version").awaitExit(START_TIMEOUT));
        assertEquals(List.of(), classArchives());
        assertEquals(List.of(), jvmAnswers(), "nor asks the JVM about its options");
    }

    @Test
    void theJvmGivesNativeMemoryBackWhereItCanAndIsAskedOnce() throws Exception {
        // bin/sluice asks this java once whether it takes -XX:TrimNativeHeapInterval (an unknown
        // option would stop it) and keeps the answer in lib/jvm-KEY.opts for later runs.
        forgetEarlierRuns();
        String takesTrim = vmKnows("TrimNativeHeapInterval") ? "-XX:TrimNativeHeapInterval=15000" : "";
        for (int run = 1; run <= 2; run++) {
            LaunchedSluice sluice = launch(DIST.resolve("bin/sluice"), Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags"),
                    "-c", defaultConfigOnPortZero().toString());
            sluice.awaitListeningPort();
            assertEquals(1, jvmAnswers().size(), "one answer in lib/, run " + run);
            assertEquals(takesTrim, Files.readString(jvmAnswers().get(0)).strip(), "the answer, run " + run);
            if (!takesTrim.isEmpty()) {
                assertTrue(sluice.stdout().contains(takesTrim), "run " + run + ": " + sluice.stdout());
            }
            sluice.process().destroy();
            assertEquals(0, sluice.awaitExit(STOP_TIMEOUT), sluice.stderr());
        }
    }

    /** Whether this test's JVM, the same java bin/sluice runs, has the option. */
    private static boolean vmKnows(String option) {
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(option);
            return true;
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }

    private static List<Path> classArchives() throws IOException {
        return libFiles("cds-\\d+\\.jsa");
    }

    private static List<Path> jvmAnswers() throws IOException {
        return libFiles("jvm-\\d+\\.opts");
    }

    private static List<Path> libFiles(String pattern) throws IOException {
        try (Stream<Path> files = Files.list(DIST.resolve("lib"))) {
            return files.filter(file -> file.getFileName().toString().matches(pattern)).toList();
        }
    }

    private static void forgetEarlierRuns() throws IOException {
        for (Path archive : classArchives()) {
            Files.delete(archive);
        }
        for (Path answer : jvmAnswers()) {
            Files.delete(answer);
        }
    }

    @Test
    void sigintDrainsAndExitsZero() throws Exception {
        // Ctrl-C in a terminal stops as cleanly as TERM.
        LaunchedSluice sluice = launch("-c", defaultConfigOnPortZero().toString());
        sluice.awaitListeningPort();
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(sluice.process().pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -INT ran");
        assertEquals(0, sluice.awaitExit(STOP_TIMEOUT), sluice.stderr());
        assertTrue(sluice.stderr().contains("received SIGINT"), sluice.stderr());
    }

    @Test
    void sighupReloadsTheFileAndABadFileKeepsTheRunningConfig() throws Exception {
        // kill -HUP, as systemd's ExecReload does: the file is read again; a broken file is
        // reported with its place and the running routes stay.
        Path config = defaultConfigOnPortZero();
        LaunchedSluice sluice = launch("-c", config.toString());
        int port = sluice.awaitListeningPort();
        assertEquals(200, status(port, "/blocked/x"), "before: the echo's catch-all route");

        String shipped = Files.readString(config);
        Files.writeString(config, shipped + "\n# reloaded\n");
        String blocked = withBlockedRoute(shipped);
        Files.writeString(config, blocked);
        hup(sluice);
        awaitShowingLog(sluice, "the reloaded route", () -> status(port, "/blocked/x") == 502);
        assertTrue(sluice.stderr().contains("SLU0005 reloaded"), sluice.stderr());

        Files.writeString(config, blocked.replace("upstream: nowhere", "upstream: nowher"));
        hup(sluice);
        awaitShowingLog(sluice, "the failed reload's report", () -> sluice.stderr().contains("SLU0006"));
        assertTrue(sluice.stderr().contains("did you mean 'nowhere'"), sluice.stderr());
        assertEquals(502, status(port, "/blocked/x"), "the running configuration stays");

        sluice.process().destroy();
        assertEquals(0, sluice.awaitExit(STOP_TIMEOUT), sluice.stderr());
    }

    @Test
    void sighupReloadsAProxyStartedUnderNohup() throws Exception {
        // nohup makes the process ignore SIGHUP, and a JVM that starts so keeps ignoring it:
        // bin/sluice takes it back, so kill -HUP reloads (and a terminal's hang-up would too).
        Path config = defaultConfigOnPortZero();
        LaunchedSluice sluice = launch(Path.of("/usr/bin/nohup"), Map.of(), DIST.resolve("bin/sluice").toString(),
                "-c", config.toString());
        int port = sluice.awaitListeningPort();
        assertEquals(200, status(port, "/blocked/x"), "before: the echo's catch-all route");

        Files.writeString(config, withBlockedRoute(Files.readString(config)));
        hup(sluice);
        awaitShowingLog(sluice, "the reloaded route", () -> status(port, "/blocked/x") == 502);
        assertFalse(sluice.stderr().contains("SLU0019"), sluice.stderr());

        sluice.process().destroy();
        assertEquals(0, sluice.awaitExit(STOP_TIMEOUT), sluice.stderr());
    }

    @Test
    void aJvmStartedUnderNohupWithoutTheLauncherSaysSighupCannotReload() throws Exception {
        // Without bin/sluice (or with an env that cannot reset signals) nothing undoes nohup:
        // the operator learns at start that kill -HUP will do nothing, and what to use instead.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        LaunchedSluice sluice = launch(Path.of("/usr/bin/nohup"), Map.of(), java.toString(),
                "-Dsluice.home=" + DIST, "-cp", DIST.resolve("lib") + "/*", "dev.sluice.dist.Main",
                "-c", defaultConfigOnPortZero().toString());
        sluice.awaitListeningPort();
        awaitShowingLog(sluice, "the warning", () -> sluice.stderr().contains(
                "SLU0019 SIGHUP is ignored in this process (started under nohup?): kill -HUP will not reload;"
                        + " use POST /reload on the admin API"));

        sluice.process().destroy();
        assertEquals(0, sluice.awaitExit(STOP_TIMEOUT), sluice.stderr());
    }

    @Test
    void usr1ReopensTheAccessLogAfterLogrotateRenamedIt() throws Exception {
        // logrotate's nginx recipe: mv access.log access.log.1, then kill -USR1. Both files end
        // up complete, and the process lives on (USR1's default would kill it with 138).
        Path log = tmp.resolve("access.log");
        Path config = Files.writeString(tmp.resolve("sluice.yaml"), shippedConfig() + "\naccess-log: " + log + "\n");
        LaunchedSluice sluice = launch("-c", config.toString());
        int port = sluice.awaitListeningPort();
        assertEquals(200, status(port, "/before"));
        await().atMost(START_TIMEOUT).until(() -> Files.exists(log) && Files.readString(log).contains("GET /before "));

        Files.move(log, tmp.resolve("access.log.1"));
        signal(sluice, "USR1");
        await().atMost(START_TIMEOUT).until(() -> sluice.stderr().contains("SLU0103 access log reopened"));
        assertEquals(200, status(port, "/after"));
        await().atMost(START_TIMEOUT).until(() -> Files.exists(log) && Files.readString(log).contains("GET /after "));
        assertTrue(sluice.process().isAlive());
        String rotated = Files.readString(tmp.resolve("access.log.1"));
        assertTrue(rotated.contains("GET /before ") && !rotated.contains("GET /after "), rotated);
        assertTrue(!Files.readString(log).contains("GET /before "));

        sluice.process().destroy();
        assertEquals(0, sluice.awaitExit(STOP_TIMEOUT), sluice.stderr());
    }

    @Test
    void checkOpensTheAccessLogItWouldWrite() throws Exception {
        // nginx -t fails on a log it cannot open; so does --check, before anyone starts the proxy
        Path config = Files.writeString(tmp.resolve("sluice.yaml"), shippedConfig()
                + "\naccess-log: /nonexistent/dir/access.log\n");
        LaunchedSluice check = launch("--check", "-c", config.toString());
        assertEquals(2, check.awaitExit(START_TIMEOUT), check.stderr());
        assertTrue(check.stderr().contains("access-log: cannot open /nonexistent/dir/access.log for appending"),
                check.stderr());
        assertFalse(check.stdout().contains("configuration ok"), check.stdout());
    }

    @Test
    void aRelativeAccessLogIsInTheHomeWhateverTheWorkingDirectory() throws Exception {
        // as nginx resolves against its prefix: logs/... lands in the distribution's logs/, not in
        // the folder the operator happened to start it from
        String name = "logs/access-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".log";
        Path config = Files.writeString(tmp.resolve("sluice.yaml"), shippedConfig() + "\naccess-log: " + name + "\n");
        Path inHome = DIST.resolve(name);
        try {
            LaunchedSluice sluice = launch("-c", config.toString());
            int port = sluice.awaitListeningPort();
            assertEquals(200, status(port, "/from-elsewhere"));
            await().atMost(START_TIMEOUT).until(() -> Files.exists(inHome)
                    && Files.readString(inHome).contains("GET /from-elsewhere "));
            assertFalse(Files.exists(tmp.resolve(name)), "nothing in the working directory");
            sluice.process().destroy();
            assertEquals(0, sluice.awaitExit(STOP_TIMEOUT), sluice.stderr());
        } finally {
            Files.deleteIfExists(inHome);
        }
    }

    private static void signal(LaunchedSluice sluice, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(sluice.process().pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " ran");
    }

    private static void hup(LaunchedSluice sluice) throws Exception {
        signal(sluice, "HUP");
    }

    /** {@code config} with a route for /blocked/ to an upstream nobody listens on (its requests get 502). */
    private static String withBlockedRoute(String config) {
        return config.replace("routes:", "routes:\n  - match: { path: /blocked/ }\n    upstream: nowhere\n")
                .replace("upstreams:", "upstreams:\n  nowhere:\n    servers: [ { url: http://127.0.0.1:9 } ]\n");
    }

    /** Awaits {@code condition}; a timeout shows the proxy's log, which says why (a reload refused, a signal that never arrived). */
    private static void awaitShowingLog(LaunchedSluice sluice, String what, Callable<Boolean> condition) {
        try {
            await(what).atMost(START_TIMEOUT).until(condition);
        } catch (ConditionTimeoutException e) {
            fail(e.getMessage() + "\nthe proxy's log:\n" + sluice.stderr());
        }
    }

    private static int status(int port, String path) throws Exception {
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void checkAcceptsTheShippedConfigurationFoundFromItsHome() throws Exception {
        // No -c and a foreign working directory: the default file is found through SLUICE_HOME.
        LaunchedSluice check = launch("--check");
        assertEquals(0, check.awaitExit(START_TIMEOUT), check.stderr());
        assertEquals("configuration ok", check.stdout().strip());
    }

    @Test
    void checkReportsEveryProblemWithFileLineColumnAndExits2() throws Exception {
        // Two independent mistakes: both are reported at once, each with its place, and nothing starts.
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), """
                listeners:
                  - address: 127.0.0.1:0
                upstreams:
                  demo:
                    builtin: echo
                routes:
                  - match: { path: / }
                    upstream: nowhere
                listenerz: []
                """);
        LaunchedSluice check = launch("--check", "-c", bad.toString());
        assertEquals(2, check.awaitExit(START_TIMEOUT), check.stderr());
        Pattern problem = Pattern.compile("^" + Pattern.quote(bad.toString()) + ":\\d+:\\d+: .+", Pattern.MULTILINE);
        assertTrue(problem.matcher(check.stderr()).results().count() >= 2, check.stderr());
        assertFalse(check.stdout().contains("configuration ok"), check.stdout());
    }

    @Test
    void versionPrintsTheProjectVersion() throws Exception {
        // The same version as the Maven build, read from inside the jar.
        LaunchedSluice version = launch("--version");
        assertEquals(0, version.awaitExit(START_TIMEOUT), version.stderr());
        assertEquals("sluice " + VERSION, version.stdout().strip());
    }

    @Test
    void theHeapStopsAt512MiBUnlessJavaOptsSaysOtherwise() throws Exception {
        // The JVM's own default is a quarter of the machine's memory; JAVA_OPTS comes after bin/sluice's options.
        assertEquals(512L << 20, heapFlag("MaxHeapSize", Map.of()));
        assertEquals(1L << 30, heapFlag("MaxHeapSize", Map.of("JAVA_OPTS", "-Xmx1g")));
    }

    @Test
    void theHeapStartsAt64MiBAndAnIdleProxyMayShrinkItTo16() throws Exception {
        assertEquals(64L << 20, heapFlag("InitialHeapSize", Map.of()));
        assertEquals(16L << 20, heapFlag("MinHeapSize", Map.of()));
        assertEquals(40, heapFlag("MaxHeapFreeRatio", Map.of()));
        // An -Xms of the operator's sets the floor as well as the start.
        Map<String, String> xms = Map.of("JAVA_OPTS", "-Xms256m");
        assertEquals(256L << 20, heapFlag("InitialHeapSize", xms));
        assertEquals(256L << 20, heapFlag("MinHeapSize", xms));
    }

    /** The value of a numeric JVM flag the launched JVM runs with, from its own flag listing. */
    private long heapFlag(String flag, Map<String, String> env) throws Exception {
        Map<String, String> withFlags = new HashMap<>(env);
        withFlags.merge("JAVA_OPTS", "-XX:+PrintFlagsFinal", (given, flags) -> given + " " + flags);
        LaunchedSluice version = launch(DIST.resolve("bin/sluice"), withFlags, "--version");
        assertEquals(0, version.awaitExit(START_TIMEOUT), version.stderr());
        return version.stdout().lines()
                .filter(line -> line.matches("\\s*\\w+ " + flag + "\\s+=.*"))
                .mapToLong(line -> Long.parseLong(line.replaceAll(".*=\\s*(\\d+).*", "$1")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + flag + " in " + version.stdout()));
    }

    @Test
    void unknownOptionExits2WithHint() throws Exception {
        // A typo must neither start the proxy nor be silently ignored.
        LaunchedSluice bogus = launch("--bogus");
        assertEquals(2, bogus.awaitExit(START_TIMEOUT), bogus.stderr());
        assertTrue(bogus.stderr().contains("unknown option '--bogus'"), bogus.stderr());
        assertEquals("", bogus.stdout());
    }

    @Test
    void portAlreadyTakenExits1NamingTheAddress() throws Exception {
        // The most common start-up failure: say which address is taken, without a stack trace.
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            LaunchedSluice sluice = launch(DIST.resolve("bin/sluice"), Map.of("SLUICE_LISTEN", address));
            assertEquals(1, sluice.awaitExit(START_TIMEOUT), sluice.stderr());
            assertTrue(sluice.stderr().contains(address), sluice.stderr());
            assertFalse(sluice.stderr().contains("\tat "), "no stack trace:\n" + sluice.stderr());
        }
    }

    @Test
    void movedDistributionFindsItsHomeThroughASymlink() throws Exception {
        // Operators unpack anywhere (even a path with a space) and link bin/sluice into their PATH.
        Path moved = tmp.resolve("opt dir/sluice");
        copyTree(DIST, moved);
        Path link = Files.createDirectories(tmp.resolve("bin")).resolve("sluice");
        Files.createSymbolicLink(link, moved.resolve("bin/sluice"));
        LaunchedSluice check = launch(link, "--check");
        assertEquals(0, check.awaitExit(START_TIMEOUT), check.stderr());
        assertEquals("configuration ok", check.stdout().strip());
    }

    /**
     * The shipped conf/sluice.yaml, unchanged: the tests run what a user runs, with its listener
     * and admin API moved to port 0 by SLUICE_LISTEN and SLUICE_ADMIN (see {@link #launch}).
     */
    private Path defaultConfigOnPortZero() throws IOException {
        return Files.writeString(tmp.resolve("sluice.yaml"), shippedConfig());
    }

    private static String shippedConfig() throws IOException {
        return Files.readString(DIST.resolve("conf/sluice.yaml"));
    }

    private LaunchedSluice launch(String... args) throws IOException {
        return launch(DIST.resolve("bin/sluice"), args);
    }

    private LaunchedSluice launch(Path launcher, String... args) throws IOException {
        return launch(launcher, Map.of(), args);
    }

    /** Every launch listens on port 0 (SLUICE_LISTEN, SLUICE_ADMIN) unless {@code env} says otherwise. */
    private LaunchedSluice launch(Path launcher, Map<String, String> env, String... args) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("SLUICE_LISTEN", "127.0.0.1:0", "SLUICE_ADMIN", "127.0.0.1:0"));
        all.putAll(env);
        LaunchedSluice sluice = LaunchedSluice.launch(tmp, String.valueOf(processes.size()), launcher, all, args);
        processes.add(sluice);
        return sluice;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

}
