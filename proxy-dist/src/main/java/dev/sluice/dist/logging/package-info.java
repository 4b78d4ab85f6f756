/**
 * The distribution's logging, plugged into Logback by {@code logback.xml}: repeated lines
 * folded before they are queued ({@link dev.sluice.dist.logging.FoldRepeatedLines}), and an
 * asynchronous, bounded, never-blocking queue to stderr that counts and reports what it drops
 * ({@link dev.sluice.dist.logging.DropCountingAsyncAppender}). Only the distribution has a
 * logging backend; the library modules log through the SLF4J API.
 */
package dev.sluice.dist.logging;
