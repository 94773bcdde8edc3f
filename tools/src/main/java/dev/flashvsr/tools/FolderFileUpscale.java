package dev.flashvsr.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.State;

/**
 * Upscales one file of folder mode the way the single-file mode does (staged, renamed into place
 * when complete), but reports a failure as a result instead of ending the command, and after
 * Ctrl-C discards the file instead of keeping its frames so far: a cut file at its final name
 * would look done to the next run.
 */
final class FolderFileUpscale {
    private static final long PROGRESS_INTERVAL_MS = 500;

    private final Supplier<Element> filters;
    private final VideoEncoding encoding;
    private final StreamSelection streams;
    private final boolean quiet;
    private final PrintWriter err;

    /**
     * @param filters  a new configured flashvsrfilter for each file
     * @param encoding the encoder chosen once for all files
     * @param streams  which other streams of each file to keep
     */
    FolderFileUpscale(Supplier<Element> filters, VideoEncoding encoding, StreamSelection streams, boolean quiet,
            PrintWriter err) {
        this.filters = filters;
        this.encoding = encoding;
        this.streams = streams;
        this.quiet = quiet;
        this.err = err;
    }

    /** The codec every file is written with. */
    VideoCodec codec() {
        return encoding.choice().encoder().codec();
    }

    /**
     * @param file        the input relative to IN, as the table shows it
     * @param label       "[3/12] file", before each progress line and message
     * @param onInterrupt given the interrupted result while the output is still guarded: the JVM
     *                    exits once the guard closes, so the summary must be printed there
     */
    FolderResult upscale(Path in, Path out, String file, String label, Consumer<FolderResult> onInterrupt)
            throws InterruptedException {
        String muxer = OutputContainer.forFileName(out.getFileName().toString()).muxer();
        StagedOutput staged;
        try {
            Files.createDirectories(out.getParent());
            staged = StagedOutput.beside(out);
        } catch (IOException e) {
            return FolderResult.failed(file, "cannot write " + out + ": " + ErrorText.describe(e));
        }
        AtomicReference<UpscalePipeline> running = new AtomicReference<>();
        ShutdownGuard guard;
        try {
            guard = new ShutdownGuard(staged, () -> endInput(running), UpscaleCommand.INTERRUPT_GRACE, err);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C came just before: the JVM takes no more shutdown hooks.
            staged.close();
            FolderResult notStarted = FolderResult.notStarted(file);
            onInterrupt.accept(notStarted);
            return notStarted;
        }
        try (staged; guard) {
            long started = System.nanoTime();
            UpscalePipeline pipeline;
            try {
                pipeline = new UpscalePipeline(in, file, filters.get(), encoding, muxer, staged.path(), streams);
            } catch (CliException e) {
                return FolderResult.failed(file, e.getMessage());
            }
            running.set(pipeline);
            FolderResult result = run(pipeline, guard, file, label, started);
            if (result.outcome() == FolderResult.Outcome.INTERRUPTED) {
                onInterrupt.accept(result);
                return result;
            }
            if (result.outcome() == FolderResult.Outcome.DONE) {
                String unfinished = pipeline.finishFile();
                if (unfinished != null) {
                    err.println("flashvsr: " + label + ": warning: " + unfinished);
                }
                try {
                    staged.commit();
                } catch (IOException e) {
                    return FolderResult.failed(file, "cannot move the upscaled video to " + out + ": "
                            + ErrorText.describe(e));
                }
            }
            return result;
        }
    }

    private FolderResult run(UpscalePipeline pipeline, ShutdownGuard guard, String file, String label, long started)
            throws InterruptedException {
        Progress progress = new Progress(err, quiet, label + ": ");
        PipelineRun run = pipeline.run();
        DeclaredLength declared = null;
        try {
            if (!guard.stopRequested() && run.setState(State.PLAYING)) {
                while (!run.await(PROGRESS_INTERVAL_MS)) {
                    if (guard.stopRequested()) {
                        // An EOS sent while the pipeline was still starting may have been lost.
                        pipeline.endInput();
                    }
                    run.takeNotices().forEach(notice -> progress.message(label + ": " + notice));
                    progress.update(run.startUp(), pipeline.framesProcessed(), seconds(started),
                            pipeline.position(), pipeline.duration());
                }
            }
            run.takeNotices().forEach(notice -> progress.message(label + ": " + notice));
            if (run.reachedEndOfStream()) {
                declared = pipeline.declaredLength();
            }
        } finally {
            progress.finish();
            pipeline.close();
        }
        long frames = pipeline.framesWritten();
        double seconds = seconds(started);
        if (guard.stopRequested()) {
            return new FolderResult(file, FolderResult.Outcome.INTERRUPTED, frames, seconds, "not written");
        }
        if (!run.reachedEndOfStream()) {
            return FolderResult.failed(file, run.failure() != null ? run.failure().message()
                    : "the pipeline stopped before the end of the input");
        }
        if (frames == 0) {
            return FolderResult.failed(file, "no video frame could be decoded: the file is damaged or cut before"
                    + " its first frame");
        }
        String truncated = declared.truncationWarning(file, pipeline.framesDecoded());
        if (truncated != null) {
            err.println(truncated);
        }
        return new FolderResult(file, FolderResult.Outcome.DONE, frames, seconds,
                truncated == null ? "" : String.format(Locale.ROOT, "input cut short (%d of %d frames)",
                        pipeline.framesDecoded(), declared.frames()));
    }

    /** Ctrl-C: ends the input; the file is then discarded, not committed. */
    private static void endInput(AtomicReference<UpscalePipeline> running) {
        UpscalePipeline pipeline = running.get();
        if (pipeline != null) {
            pipeline.endInput();
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
