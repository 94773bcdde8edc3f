package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the shutdown hook of {@link ShutdownGuard} does on Ctrl-C, run here without a signal: a
 * worker thread writes its staged output while the test runs the hook's action on another thread.
 */
class ShutdownGuardTest {
    /** Bounds the test's own waits; never reached when the guard works. */
    private static final long TEST_TIMEOUT_S = 120;

    @TempDir
    Path dir;

    private final StringWriter messages = new StringWriter();
    private final PrintWriter err = new PrintWriter(messages, true);

    @Test
    void stopsALongCopyAndDeletesWhatItWrote() throws Exception {
        Path out = Files.writeString(dir.resolve("pkg.bin"), "old");
        CountDownLatch writing = new CountDownLatch(1);
        AtomicReference<ShutdownGuard> guardOf = new AtomicReference<>();
        AtomicReference<IOException> failure = new AtomicReference<>();
        // A thread of its own: the guard interrupts the thread that opened it.
        Thread worker = new Thread(() -> {
            try (StagedOutput staged = StagedOutput.beside(out);
                    ShutdownGuard guard = ShutdownGuard.interruptingThisThread(staged, Duration.ofSeconds(60), err)) {
                guardOf.set(guard);
                InterruptibleWriteMain.writeUntilInterrupted(staged.path(), writing);
            } catch (IOException e) {
                failure.set(e);
            }
        }, "worker");
        worker.start();
        assertTrue(writing.await(TEST_TIMEOUT_S, TimeUnit.SECONDS));
        guardOf.get().stopAndDiscard();
        worker.join(TimeUnit.SECONDS.toMillis(TEST_TIMEOUT_S));

        assertFalse(worker.isAlive());
        assertInstanceOf(ClosedByInterruptException.class, failure.get());
        assertEquals("old", Files.readString(out));
        assertEquals(List.of("pkg.bin"), StagedOutputTest.entries(dir));
        assertEquals("flashvsr: interrupted: " + out + " was not written", messages.toString().strip());
    }

    @Test
    void waitsOnlyAsLongAsTheGraceForAWorkerThatDoesNotStop() throws Exception {
        Path out = dir.resolve("out.mp4");
        StagedOutput staged = StagedOutput.beside(out);
        Files.writeString(staged.path(), "half");
        // stop does nothing here: the worker (this test) ignores the request.
        try (ShutdownGuard guard = new ShutdownGuard(staged, () -> { }, Duration.ofSeconds(1), err)) {
            CompletableFuture<Void> hook = CompletableFuture.runAsync(guard::stopAndDiscard);
            hook.get(TEST_TIMEOUT_S, TimeUnit.SECONDS);
            assertTrue(guard.stopRequested());
        }
        assertFalse(Files.exists(out));
        assertEquals(List.of(), StagedOutputTest.entries(dir), "the staging is deleted even so");
        assertEquals("flashvsr: interrupted: " + out + " was not written (it could not be finished within 1 s)",
                messages.toString().strip());
    }

    @Test
    void aCommittedOutputSurvivesTheHook() throws Exception {
        Path out = dir.resolve("out.mp4");
        StagedOutput staged = StagedOutput.beside(out);
        ShutdownGuard guard = new ShutdownGuard(staged, () -> { }, Duration.ofSeconds(60), err);
        CompletableFuture<Void> hook;
        try (staged; guard) {
            hook = CompletableFuture.runAsync(guard::stopAndDiscard);
            // The command finishes its output after Ctrl-C (upscale's "the frames so far"), then closes.
            Files.writeString(staged.path(), "complete");
            staged.commit();
        }
        hook.get(TEST_TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals("complete", Files.readString(out));
        assertEquals(List.of("out.mp4"), StagedOutputTest.entries(dir));
        assertEquals("", messages.toString());
    }
}
