package dev.sluice.dist.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps what reaches it, safe to read from the test while a timer thread appends; each event
 * fixed as it arrives (message, thread name), as an asynchronous appender fixes it.
 */
final class CapturedLines extends AppenderBase<ILoggingEvent> {
    final List<ILoggingEvent> list = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        list.add(event);
    }
}
