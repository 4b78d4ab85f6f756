package dev.sluice.upstream;

import org.xnio.ChannelListener;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSourceChannel;

import java.io.IOException;
import java.util.function.Consumer;

/** Reads an answer's body to its end and throws it away, without blocking the IO thread. */
final class BodyDiscard implements ChannelListener<StreamSourceChannel> {
    private final Runnable ended;
    private final Consumer<IOException> failed;
    private boolean done;

    private BodyDiscard(Runnable ended, Consumer<IOException> failed) {
        this.ended = ended;
        this.failed = failed;
    }

    static void readToEnd(StreamSourceChannel body, Runnable ended, Consumer<IOException> failed) {
        new BodyDiscard(ended, failed).handleEvent(body);
    }

    @Override
    public void handleEvent(StreamSourceChannel body) {
        if (done) {
            return;
        }
        try {
            long drained;
            do {
                drained = Channels.drain(body, Long.MAX_VALUE);
            } while (drained > 0);
            if (drained < 0) {
                end(body);
                ended.run();
            } else {
                body.getReadSetter().set(this);
                body.resumeReads();
            }
        } catch (IOException e) {
            end(body);
            failed.accept(e);
        }
    }

    private void end(StreamSourceChannel body) {
        done = true;
        body.suspendReads();
        body.getReadSetter().set(null);
    }
}
