package dev.flashvsr.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a command's writing step (a package folder for {@code import} and {@code build-model}, the
 * clip of {@code make-sample}) into a
 * {@link StagedOutput} under a {@link ShutdownGuard} that interrupts it on Ctrl-C: the destination
 * only ever sees the complete result, and a failure or Ctrl-C leaves nothing behind.
 */
final class InterruptibleWrite {
    /** How long Ctrl-C waits for the interrupted thread before the staged output is deleted anyway. */
    static final Duration GRACE = Duration.ofSeconds(10);

    /** Writes the output at {@code target}, a path that does not exist yet. */
    @FunctionalInterface
    interface Writer {
        void write(Path target) throws IOException, InterruptedException;
    }

    private InterruptibleWrite() {
    }

    /**
     * @param intoExisting commit with {@link StagedOutput#commitInto()} (entries replace their namesakes
     *                     in an existing folder) instead of {@link StagedOutput#commit()}
     * @return {@link FlashVsrCli#EXIT_OK}, or {@link FlashVsrCli#EXIT_INTERRUPTED} after Ctrl-C
     * @throws CliException from the writer, or when the destination's folder cannot be written
     */
    static int run(Path destination, boolean intoExisting, PrintWriter err, Writer writer) {
        try (StagedOutput staged = StagedOutput.beside(destination);
                ShutdownGuard guard = ShutdownGuard.interruptingThisThread(staged, GRACE, err)) {
            try {
                writer.write(staged.path());
                if (intoExisting) {
                    staged.commitInto();
                } else {
                    staged.commit();
                }
            } catch (InterruptedException e) {
                // The guard's shutdown hook tells the user.
                return FlashVsrCli.EXIT_INTERRUPTED;
            } catch (IOException | RuntimeException e) {
                if (guard.stopRequested()) {
                    return FlashVsrCli.EXIT_INTERRUPTED;
                }
                throw e;
            }
            return FlashVsrCli.EXIT_OK;
        } catch (IOException e) {
            throw CliException.failure("cannot write " + destination + ": " + ErrorText.describe(e));
        }
    }
}
