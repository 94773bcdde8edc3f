package dev.flashvsr.tools;

import java.util.Locale;

/**
 * What folder mode did with one input: a row of the summary table.
 *
 * @param file    the input, relative to IN
 * @param frames  frames written, or -1 when none was attempted (skipped, failed before the pipeline ran)
 * @param seconds how long its upscaling took
 * @param detail  why it was skipped or failed, or a note on a done file (its new name); may be empty
 */
record FolderResult(String file, Outcome outcome, long frames, double seconds, String detail) {

    enum Outcome {
        DONE("done"), SKIPPED("skipped"), FAILED("failed"), INTERRUPTED("interrupted");

        private final String word;

        Outcome(String word) {
            this.word = word;
        }
    }

    static FolderResult failed(String file, String why) {
        return new FolderResult(file, Outcome.FAILED, -1, 0, why);
    }

    static FolderResult skipped(String file, String why) {
        return new FolderResult(file, Outcome.SKIPPED, -1, 0, why);
    }

    /** Ctrl-C came before its upscaling began. */
    static FolderResult notStarted(String file) {
        return new FolderResult(file, Outcome.INTERRUPTED, -1, 0, "not started");
    }

    /** "done", "skipped: exists", "failed: no video stream", ... */
    String result() {
        return detail.isEmpty() ? outcome.word : outcome.word + ": " + detail;
    }

    /** Frames per second, "-" when no frame was written. */
    String fps() {
        return frames > 0 && seconds > 0 ? String.format(Locale.ROOT, "%.1f", frames / seconds) : "-";
    }

    String framesText() {
        return frames >= 0 ? Long.toString(frames) : "-";
    }

    /** The same result with {@code note} added to its detail. */
    FolderResult withNote(String note) {
        return new FolderResult(file, outcome, frames, seconds, detail.isEmpty() ? note : detail + "; " + note);
    }
}
