package dev.flashvsr.tools;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps Ctrl-C (SIGINT) and SIGTERM from ending a command half-way through its output. While the
 * guard is open, a JVM shutdown hook asks the command to stop, waits a bounded time for it to
 * close the guard (the JVM exits when the hook returns, whatever the command's thread is doing),
 * then discards the staged output unless the command committed it, and says so.
 */
final class ShutdownGuard implements AutoCloseable {
    private final StagedOutput output;
    private final Runnable stop;
    private final Duration grace;
    private final PrintWriter err;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean stopRequested;

    /**
     * @param stop  asks the command to end; runs on the hook's thread and must not block
     * @param grace how long the hook waits for the command to close the guard
     */
    ShutdownGuard(StagedOutput output, Runnable stop, Duration grace, PrintWriter err) {
        this.output = output;
        this.stop = stop;
        this.grace = grace;
        this.err = err;
        this.hook = new Thread(this::stopAndDiscard, "flashvsr-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * A guard that interrupts the calling thread: blocking file I/O on NIO channels (the JDK's
     * {@code Files} streams) then ends at once with {@code ClosedByInterruptException}.
     */
    static ShutdownGuard interruptingThisThread(StagedOutput output, Duration grace, PrintWriter err) {
        Thread worker = Thread.currentThread();
        return new ShutdownGuard(output, worker::interrupt, grace, err);
    }

    /** True once Ctrl-C or SIGTERM asked the command to stop. */
    boolean stopRequested() {
        return stopRequested;
    }

    /** What the shutdown hook does; package-private so that tests can run it without a signal. */
    void stopAndDiscard() {
        stopRequested = true;
        stop.run();
        boolean finished;
        try {
            finished = closed.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        output.close();
        if (!output.committed()) {
            // Said here, not by the command: the JVM may exit before the command's own message.
            err.println("flashvsr: interrupted: " + output.destination() + " was not written"
                    + (finished ? "" : " (it could not be finished within " + grace.toSeconds() + " s)"));
            err.flush();
        }
    }

    /** Ends the guard: the command is done with its output (committed, failed or stopped). */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running; it returns now that closed is counted down.
        }
    }
}
