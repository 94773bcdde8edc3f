package dev.flashvsr.tools;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT or SIGTERM) for the whole of folder mode. The file being upscaled has its own
 * {@link ShutdownGuard}, which stops and discards it; this hook keeps the JVM alive until the run
 * has printed its summary, also when the signal comes between two files (while outputs are checked).
 */
final class FolderInterrupt implements AutoCloseable {
    private final Duration grace;
    private final CountDownLatch summarized = new CountDownLatch(1);
    private final Thread hook = new Thread(this::stopAndAwaitSummary, "flashvsr-folder-shutdown");
    private volatile boolean requested;

    /** @param grace how long the hook waits for the summary (the current file's own grace included) */
    FolderInterrupt(Duration grace) {
        this.grace = grace;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True once Ctrl-C or SIGTERM asked the run to stop. */
    boolean requested() {
        return requested;
    }

    /** Called once the summary is printed: the JVM may exit. */
    void summarized() {
        summarized.countDown();
    }

    /** What the shutdown hook does; package-private so that tests can run it without a signal. */
    void stopAndAwaitSummary() {
        requested = true;
        try {
            summarized.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running; it returns once the summary is printed.
        }
    }
}
