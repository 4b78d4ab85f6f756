package dev.sluice.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket load through a proxy (or directly to the echo), every echoed byte checked.
 *
 * <pre>
 * WsLoad echo   URI CONNECTIONS BYTES IN_FLIGHT WARMUP_S DURATION_S [cpu=PID,PID..] [backend=PID] [clk=TICKS]
 * WsLoad idle   URI TUNNELS READY_FILE GO_FILE
 * </pre>
 *
 * <p>{@code echo}: CONNECTIONS connections, each keeping IN_FLIGHT binary messages of BYTES bytes
 * on the way (1 = send, wait for the echo, send the next; the harness's {@code stream} mode is
 * 16 KiB with 8 in flight), for WARMUP_S unmeasured seconds and then DURATION_S measured ones.
 * Each message's content is its own: an 8-byte stamp (connection, sequence) and then a slice of
 * a random block chosen by that stamp, so an echo of a stale, reordered or foreign message is a
 * mismatch too. Every echo is compared byte for byte with what was sent; bytes that differ, and
 * missing or extra bytes, are counted. Prints one line of {@code key=value}: msgs, msg_per_s,
 * mib_per_s (echoed payload), p50_us, p99_us, p999_us (send to whole echo), mismatched_bytes,
 * errors (failed opens, transport errors, unexpected closes, echoes still missing 5 s after the
 * end), and with {@code cpu=} the CPU those processes used in the measured seconds per message
 * (utime + stime from /proc/PID/stat, {@code clk} ticks a second), with {@code backend=} the share
 * of one core the echo backend used then.
 *
 * <p>{@code idle}: opens TUNNELS connections (256 handshakes at a time), writes READY_FILE
 * ({@code opened=N errors=E}) and waits (up to 10 minutes) for GO_FILE to appear, so the harness
 * can read the proxy's memory with the tunnels open and idle; then one checked round trip of 64
 * bytes on each, then closes all. Prints one line as above.
 */
public final class WsLoad {
    private static final long TAIL_SECONDS = 5;
    private static final byte[] BLOCK = new byte[1 << 20];

    static {
        new SplittableRandom(0x5eed).nextBytes(BLOCK);
    }

    private static final AtomicLong MISMATCHED = new AtomicLong();
    private static final AtomicLong ERRORS = new AtomicLong();

    private WsLoad() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        URI uri = URI.create(args[1]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        switch (mode) {
            case "echo" -> echo(http, uri, args);
            case "idle" -> idle(http, uri, args);
            default -> throw new IllegalArgumentException("mode echo or idle, not " + mode);
        }
        System.exit(0);   // the HttpClient's threads would keep the JVM alive a while
    }

    // --- echo / stream ---------------------------------------------------------------------

    private static void echo(HttpClient http, URI uri, String[] args) throws Exception {
        int connections = Integer.parseInt(args[2]);
        int bytes = Integer.parseInt(args[3]);
        int inFlight = Integer.parseInt(args[4]);
        double warmup = Double.parseDouble(args[5]);
        double duration = Double.parseDouble(args[6]);
        long[] cpuPids = new long[0];
        long backendPid = 0;
        int clk = 100;
        for (int i = 7; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("cpu=")) {
                cpuPids = a.length() == 4 ? new long[0]
                        : Arrays.stream(a.substring(4).split(",")).mapToLong(Long::parseLong).toArray();
            } else if (a.startsWith("backend=")) {
                backendPid = Long.parseLong(a.substring(8));
            } else if (a.startsWith("clk=")) {
                clk = Integer.parseInt(a.substring(4));
            }
        }

        List<Conn> conns = new ArrayList<>();
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Conn c = new Conn(i, bytes, inFlight);
            conns.add(c);
            opening.add(http.newWebSocketBuilder().buildAsync(uri, c));
        }
        for (int i = 0; i < connections; i++) {
            try {
                conns.get(i).ws = opening.get(i).get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                ERRORS.incrementAndGet();
                System.err.println("open " + i + ": " + e);
            }
        }
        long t0 = System.nanoTime();
        long measureFrom = t0 + (long) (warmup * 1e9);
        long measureTo = measureFrom + (long) (duration * 1e9);
        for (Conn c : conns) {
            c.measureFrom = measureFrom;
            c.measureTo = measureTo;
            if (c.ws != null) {
                c.start();
            }
        }
        sleepUntil(measureFrom);
        long cpu0 = ticks(cpuPids);
        long back0 = ticks(backendPid);
        long errors0 = ERRORS.get();
        sleepUntil(measureTo);
        long cpu1 = ticks(cpuPids);
        long back1 = ticks(backendPid);
        long errorsDuring = ERRORS.get() - errors0;

        // No new messages after measureTo; wait for the ones on their way, then close.
        long tailDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TAIL_SECONDS);
        for (Conn c : conns) {
            if (c.ws != null && !c.drained.await(Math.max(0, tailDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                synchronized (c) {
                    ERRORS.addAndGet(c.pending.size());
                    System.err.println("connection " + c.id + ": " + c.pending.size() + " echoes missing " + TAIL_SECONDS + " s after the end");
                }
            }
        }
        closeAll(conns);

        long msgs = 0;
        long echoedBytes = 0;
        int samples = 0;
        for (Conn c : conns) {
            synchronized (c) {
                msgs += c.measuredMsgs;
                echoedBytes += c.measuredBytes;
                samples += c.latencyCount;
            }
        }
        long[] lat = new long[samples];
        int at = 0;
        for (Conn c : conns) {
            synchronized (c) {
                System.arraycopy(c.latencies, 0, lat, at, c.latencyCount);
                at += c.latencyCount;
            }
        }
        Arrays.sort(lat);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT,
                "mode=echo uri=%s connections=%d bytes=%d in_flight=%d seconds=%.2f msgs=%d msg_per_s=%.0f mib_per_s=%.2f"
                        + " p50_us=%.0f p99_us=%.0f p999_us=%.0f mismatched_bytes=%d errors=%d errors_measured=%d",
                uri, connections, bytes, inFlight, duration, msgs, msgs / duration, echoedBytes / duration / 1048576.0,
                pct(lat, 50), pct(lat, 99), pct(lat, 99.9), MISMATCHED.get(), ERRORS.get(), errorsDuring));
        if (cpuPids.length > 0) {
            double us = (cpu1 - cpu0) * 1e6 / clk;
            out.append(String.format(Locale.ROOT, " cpu_ticks=%d cpu_us_per_msg=%.2f", cpu1 - cpu0, msgs == 0 ? 0 : us / msgs));
        }
        if (backendPid > 0) {
            out.append(String.format(Locale.ROOT, " backend_core_share=%.2f", (back1 - back0) / (double) clk / duration));
        }
        System.out.println(out);
    }

    /** The message {@code seq} of connection {@code id}: its stamp, then a slice of BLOCK the stamp picks. */
    static byte[] message(int id, long seq, int bytes) {
        byte[] m = new byte[bytes];
        long stamp = ((long) id << 40) ^ seq;
        long mix = stamp * 0x9E3779B97F4A7C15L;
        int offset = (int) ((mix >>> 16) % (BLOCK.length - bytes + 1));
        System.arraycopy(BLOCK, offset, m, 0, bytes);
        for (int i = 0; i < Math.min(8, bytes); i++) {
            m[i] = (byte) (stamp >>> (8 * i));
        }
        return m;
    }

    /** Bytes that differ, plus missing or extra ones. */
    static long mismatches(byte[] sent, byte[] got, int gotLength) {
        int n = Math.min(sent.length, gotLength);
        long bad = Math.abs(sent.length - gotLength);
        if (n == sent.length && Arrays.equals(sent, 0, n, got, 0, n)) {
            return bad;
        }
        for (int i = 0; i < n; i++) {
            if (sent[i] != got[i]) {
                bad++;
            }
        }
        return bad;
    }

    /** One connection: keeps {@code inFlight} messages on the way, checks each echo against its message. */
    private static final class Conn implements WebSocket.Listener {
        final int id;
        final int bytes;
        final int inFlight;
        volatile WebSocket ws;
        volatile long measureFrom;
        volatile long measureTo;
        final CountDownLatch drained = new CountDownLatch(1);
        final ArrayDeque<byte[]> pending = new ArrayDeque<>();
        final ArrayDeque<Long> sentAt = new ArrayDeque<>();
        CompletableFuture<?> sends = CompletableFuture.completedFuture(null);
        long seq;
        byte[] received;
        int receivedLength;
        long[] latencies = new long[1024];
        int latencyCount;
        long measuredMsgs;
        long measuredBytes;
        boolean stopped;
        boolean closing;

        Conn(int id, int bytes, int inFlight) {
            this.id = id;
            this.bytes = bytes;
            this.inFlight = inFlight;
            this.received = new byte[bytes + 16];
        }

        synchronized void start() {
            for (int i = 0; i < inFlight; i++) {
                sendNext();
            }
        }

        /** Queues the next message behind the previous send (the JDK client allows one send at a time). */
        private void sendNext() {
            byte[] m = message(id, seq++, bytes);
            pending.addLast(m);
            sentAt.addLast(System.nanoTime());
            WebSocket socket = ws;
            sends = sends.thenCompose(x -> socket.sendBinary(ByteBuffer.wrap(m), true)).exceptionally(e -> {
                fail("send", e);
                return null;
            });
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            int n = data.remaining();
            synchronized (this) {
                if (receivedLength + n > received.length) {
                    received = Arrays.copyOf(received, Math.max(received.length * 2, receivedLength + n));
                }
                data.get(received, receivedLength, n);
                receivedLength += n;
                if (last) {
                    whole();
                }
            }
            webSocket.request(1);
            return null;
        }

        private void whole() {
            long now = System.nanoTime();
            byte[] sent = pending.pollFirst();
            Long at = sentAt.pollFirst();
            if (sent == null) {
                MISMATCHED.addAndGet(receivedLength);   // an echo of nothing sent
            } else {
                MISMATCHED.addAndGet(mismatches(sent, received, receivedLength));
                if (at >= measureFrom && now <= measureTo) {
                    if (latencyCount == latencies.length) {
                        latencies = Arrays.copyOf(latencies, latencyCount * 2);
                    }
                    latencies[latencyCount++] = now - at;
                }
                if (now >= measureFrom && now <= measureTo) {
                    measuredMsgs++;
                    measuredBytes += receivedLength;
                }
            }
            receivedLength = 0;
            if (!stopped && now < measureTo) {
                sendNext();
            } else {
                stopped = true;
                if (pending.isEmpty()) {
                    drained.countDown();
                }
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            MISMATCHED.addAndGet(data.length());   // only binary messages are sent
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            synchronized (this) {
                if (!closing) {
                    fail("close", new IllegalStateException("closed by the other side: " + statusCode + " " + reason));
                }
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fail("transport", error);
        }

        synchronized void fail(String what, Throwable e) {
            if (!stopped || !pending.isEmpty()) {
                ERRORS.incrementAndGet();
                System.err.println("connection " + id + " " + what + ": " + e);
            }
            stopped = true;
            pending.clear();
            sentAt.clear();
            drained.countDown();
        }
    }

    private static void closeAll(List<Conn> conns) {
        List<CompletableFuture<?>> closes = new ArrayList<>();
        for (Conn c : conns) {
            synchronized (c) {
                c.closing = true;
                c.stopped = true;
            }
            WebSocket ws = c.ws;
            if (ws != null) {
                closes.add(c.sends.thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done")));
            }
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the counts are in; a slow close changes nothing
        }
        for (Conn c : conns) {
            if (c.ws != null) {
                c.ws.abort();
            }
        }
    }

    // --- idle ------------------------------------------------------------------------------

    private static void idle(HttpClient http, URI uri, String[] args) throws Exception {
        int tunnels = Integer.parseInt(args[2]);
        Path ready = Path.of(args[3]);
        Path go = Path.of(args[4]);
        Semaphore handshakes = new Semaphore(256);
        List<Conn> conns = new ArrayList<>();
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < tunnels; i++) {
            Conn c = new Conn(i, 64, 1);
            c.measureFrom = Long.MIN_VALUE;
            c.measureTo = Long.MAX_VALUE;
            conns.add(c);
            handshakes.acquire();
            CompletableFuture<WebSocket> f = http.newWebSocketBuilder().buildAsync(uri, c);
            f.whenComplete((ws, e) -> handshakes.release());
            opening.add(f);
        }
        int opened = 0;
        for (int i = 0; i < tunnels; i++) {
            try {
                conns.get(i).ws = opening.get(i).get(30, TimeUnit.SECONDS);
                opened++;
            } catch (Exception e) {
                ERRORS.incrementAndGet();
                if (ERRORS.get() <= 5) {
                    System.err.println("open " + i + ": " + e);
                }
            }
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        Files.writeString(ready, "opened=" + opened + " errors=" + ERRORS.get() + "\n");
        long waitUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!Files.exists(go) && System.nanoTime() < waitUntil) {
            Thread.sleep(50);
        }
        // One checked round trip on every tunnel: each is still open and still echoes.
        for (Conn c : conns) {
            if (c.ws != null) {
                synchronized (c) {
                    c.stopped = true;   // one message, no follow-up
                    c.sendNext();
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long[] lat = new long[opened];
        int n = 0;
        for (Conn c : conns) {
            if (c.ws == null) {
                continue;
            }
            if (!c.drained.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                synchronized (c) {
                    ERRORS.addAndGet(c.pending.size());
                }
            }
            synchronized (c) {
                if (c.latencyCount > 0) {
                    lat[n++] = c.latencies[0];
                }
            }
        }
        closeAll(conns);
        lat = Arrays.copyOf(lat, n);
        Arrays.sort(lat);
        System.out.println(String.format(Locale.ROOT,
                "mode=idle uri=%s tunnels=%d opened=%d open_seconds=%.2f echoed=%d p50_us=%.0f p99_us=%.0f mismatched_bytes=%d errors=%d",
                uri, tunnels, opened, openSeconds, n, pct(lat, 50), pct(lat, 99), MISMATCHED.get(), ERRORS.get()));
    }

    // --- helpers ---------------------------------------------------------------------------

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** utime + stime (fields 14 and 15 of /proc/PID/stat, clock ticks) of these processes, summed. */
    static long ticks(long... pids) {
        long sum = 0;
        for (long pid : pids) {
            if (pid <= 0) {
                continue;
            }
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);   // fields 14, 15 (field 3 is f[0])
            } catch (Exception e) {
                // a process gone: it adds nothing
            }
        }
        return sum;
    }

    private static double pct(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1000.0;
    }
}
