package dev.sluice.tunnel;

import dev.sluice.testing.WsWire;
import dev.sluice.ws.Direction;
import dev.sluice.ws.FrameScanner;
import io.undertow.server.DefaultByteBufferPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.EmptyStreamSourceConduit;
import org.xnio.conduits.NullStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How often a pump reads its source: a read that leaves room in the buffer took all the socket
 * had, so the pump waits for the selector instead of reading again for a 0 (one system call per
 * message saved); a read that fills the buffer is followed by another. The source and sink are
 * scripted conduits, the pump's own seam; no byte may be lost either way.
 */
class PumpReadsTest {
    private static final int BUFFER = 1024;
    private static XnioWorker worker;

    @BeforeAll
    static void startWorker() throws IOException {
        worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    }

    @AfterAll
    static void stopWorker() {
        worker.shutdownNow();
    }

    @Test
    void aReadThatLeavesRoomIsTheOnlyReadUntilTheSelectorReportsMore() {
        byte[] message = WsWire.serverText("hello");
        ScriptedSource source = new ScriptedSource(message);
        CollectingSink sink = new CollectingSink();

        pump(source, sink).start();

        assertArrayEquals(message, sink.bytes(), "the message went through");
        assertEquals(1, source.reads, "no read for a 0 after it");
        assertTrue(source.readsResumed, "the selector reports what comes next");

        byte[] next = WsWire.serverText("again");
        source.arrive(next);
        source.fireReadReady();
        assertArrayEquals(concat(message, next), sink.bytes(), "the next message went through when reported");
        assertEquals(2, source.reads);
    }

    @Test
    void aReadThatFillsTheBufferIsFollowedByAnotherUntilOneLeavesRoom() {
        byte[] large = WsWire.serverFrame(WsWire.BINARY, new byte[BUFFER * 2 + 100]);
        ScriptedSource source = new ScriptedSource(large);
        CollectingSink sink = new CollectingSink();

        pump(source, sink).start();

        assertArrayEquals(large, sink.bytes(), "every byte went through, in order");
        assertEquals(3, source.reads, "two full buffers, then one with room, and no read for a 0");
    }

    private static Pump pump(ScriptedSource source, CollectingSink sink) {
        Pump.Events events = new Pump.Events() {
            @Override
            public void transferred(Pump pump, int bytes) {
            }

            @Override
            public void finished(Pump pump) {
            }

            @Override
            public void frameSent(Pump pump) {
            }

            @Override
            public void failed(Pump pump, IOException e, boolean reading) {
                throw new AssertionError("the pump failed", e);
            }
        };
        return new Pump(Direction.TO_CLIENT, new ConduitStreamSourceChannel(null, source),
                new ConduitStreamSinkChannel(null, sink), new DefaultByteBufferPool(false, BUFFER), events,
                new FrameScannerStage(new FrameScanner(false), new LongAdder()), List.of());
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** A socket's receive queue: what arrived is read in order; empty, a read returns 0. */
    private static final class ScriptedSource extends AbstractStreamSourceConduit<StreamSourceConduit> {
        private final ArrayDeque<Byte> queue = new ArrayDeque<>();
        private Runnable readReady = () -> { };
        int reads;
        boolean readsResumed;

        ScriptedSource(byte[] arrived) {
            super(new EmptyStreamSourceConduit(worker.getIoThread())); // never reached: the pump's calls end here
            arrive(arrived);
        }

        void arrive(byte[] bytes) {
            for (byte b : bytes) {
                queue.add(b);
            }
        }

        void fireReadReady() {
            readReady.run();
        }

        @Override
        public int read(ByteBuffer dst) {
            reads++;
            int n = 0;
            while (dst.hasRemaining() && !queue.isEmpty()) {
                dst.put(queue.poll());
                n++;
            }
            return n;
        }

        @Override
        public void setReadReadyHandler(org.xnio.conduits.ReadReadyHandler handler) {
            readReady = handler::readReady;
        }

        @Override
        public void resumeReads() {
            readsResumed = true;
        }

        @Override
        public void suspendReads() {
            readsResumed = false;
        }

        @Override
        public void wakeupReads() {
            readsResumed = true;
        }

        @Override
        public boolean isReadResumed() {
            return readsResumed;
        }
    }

    /** A socket that takes every byte at once. */
    private static final class CollectingSink extends AbstractStreamSinkConduit<StreamSinkConduit> {
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();

        CollectingSink() {
            super(new NullStreamSinkConduit(worker.getIoThread())); // never reached
        }

        byte[] bytes() {
            return written.toByteArray();
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] bytes = new byte[n];
            src.get(bytes);
            written.writeBytes(bytes);
            return n;
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public void suspendWrites() {
        }

        @Override
        public void resumeWrites() {
        }

        @Override
        public void setWriteReadyHandler(org.xnio.conduits.WriteReadyHandler handler) {
        }
    }
}
