package dev.flashvsr.tools;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code flashvsr upscale DIR_IN DIR_OUT}: every video of IN upscaled to the same relative path
 * under OUT, one at a time in sorted order. Outputs already there and complete are skipped, a
 * file that fails is listed and the rest go on; a table of every file ends the run.
 */
final class FolderUpscale {
    private final FolderPaths paths;
    private final boolean recursive;
    private final boolean overwrite;
    private final boolean quiet;
    private final FolderFileUpscale files;
    private final FolderInterrupt interrupt;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<FolderResult> results = new ArrayList<>();
    /** Each output so far and the input it is for: two inputs may only differ in their extension. */
    private final Map<Path, Path> claimed = new HashMap<>();
    private long started;
    private int listed;

    FolderUpscale(FolderPaths paths, boolean recursive, boolean overwrite, boolean quiet, FolderFileUpscale files,
            FolderInterrupt interrupt, PrintWriter out, PrintWriter err) {
        this.paths = paths;
        this.recursive = recursive;
        this.overwrite = overwrite;
        this.quiet = quiet;
        this.files = files;
        this.interrupt = interrupt;
        this.out = out;
        this.err = err;
    }

    /** Runs every file; returns the exit code: 0 when none failed, 1 otherwise, 130 after Ctrl-C. */
    int run() throws InterruptedException {
        started = System.nanoTime();
        List<Path> inputs = FolderInputs.find(paths.input(), recursive);
        listed = inputs.size();
        if (inputs.isEmpty()) {
            err.println("flashvsr: note: no video file in " + paths.input() + (recursive ? "" : " (its sub-folders"
                    + " are read with --recursive)") + "; looked for " + new TreeSet<>(FolderInputs.VIDEO_EXTENSIONS));
        }
        paths.createOutput();
        for (int i = 0; i < inputs.size(); i++) {
            if (interrupt.requested()) {
                printSummary();
                return FlashVsrCli.EXIT_INTERRUPTED;
            }
            Path relative = inputs.get(i);
            String label = "[" + (i + 1) + "/" + inputs.size() + "] " + relative;
            FolderResult result = one(relative, label);
            if (result.outcome() == FolderResult.Outcome.INTERRUPTED) {
                // Its summary is printed already, while its output was still guarded.
                return FlashVsrCli.EXIT_INTERRUPTED;
            }
            results.add(result);
            if (!quiet) {
                err.println("flashvsr: " + label + ": " + result.result() + (result.frames() > 0
                        ? String.format(Locale.ROOT, ", %d frames in %.1f s (%s fps)", result.frames(),
                        result.seconds(), result.fps()) : ""));
                err.flush();
            }
        }
        printSummary();
        return results.stream().anyMatch(r -> r.outcome() == FolderResult.Outcome.FAILED)
                ? FlashVsrCli.EXIT_FAILURE : FlashVsrCli.EXIT_OK;
    }

    private FolderResult one(Path relative, String label) throws InterruptedException {
        String file = relative.toString();
        Path in = paths.input().resolve(relative);
        Path outputName = FolderPaths.outputName(relative, files.codec());
        Path output = paths.output().resolve(outputName);
        Path earlier = claimed.putIfAbsent(outputName, relative);
        if (earlier != null) {
            return FolderResult.failed(file, "its output " + outputName + " is already that of " + earlier
                    + "; rename one of the two");
        }
        if (!Files.isRegularFile(in)) {
            return FolderResult.failed(file, Files.isDirectory(in) ? "a folder that cannot be listed, or a link to"
                    + " a folder (not followed); make it readable or move it out of IN" : Files.exists(in) ? "not a regular file (a pipe, device or"
                    + " socket); move it out of IN" : "cannot be read (a dangling link?); remove or fix it");
        }
        if (!Files.isReadable(in)) {
            return FolderResult.failed(file, "permission denied; make it readable or move it out of IN");
        }
        if (Files.isDirectory(output, LinkOption.NOFOLLOW_LINKS)) {
            return FolderResult.failed(file, "a folder is in the way at " + output + "; move it");
        }
        if (Files.exists(output, LinkOption.NOFOLLOW_LINKS) && !overwrite && isComplete(in, output, label)) {
            return FolderResult.skipped(file, "exists");
        }
        if (interrupt.requested()) {
            // Ctrl-C came while the output was checked.
            return endedBy(FolderResult.notStarted(file));
        }
        FolderResult result = files.upscale(in, output, file, label, this::endedBy);
        return outputName.equals(relative) || result.outcome() != FolderResult.Outcome.DONE ? result
                : result.withNote("as " + outputName);
    }

    /**
     * Our outputs appear at their name only once complete, so one found there normally is; it is
     * still checked (it parses, has video, and lasts as long as the input within a frame) in case
     * something else wrote it. One that fails the check is made again, with a warning.
     */
    private boolean isComplete(Path in, Path output, String label) throws InterruptedException {
        VideoLength have = VideoLength.of(output);
        VideoLength want = have == null ? null : VideoLength.of(in);
        if (have != null && want != null && want.matches(have)) {
            return true;
        }
        String why = have == null ? "it does not read as a video with a duration"
                : want == null ? "the input declares no duration to compare with"
                : String.format(Locale.ROOT, "it lasts %.2f s, the input %.2f s", have.durationNanos() / 1e9,
                        want.durationNanos() / 1e9);
        err.println("flashvsr: warning: " + label + ": " + output + " exists but is not complete (" + why
                + "); upscaling it again");
        err.flush();
        return false;
    }

    /** Ctrl-C: the summary, with the file it stopped. */
    private FolderResult endedBy(FolderResult interrupted) {
        results.add(interrupted);
        printSummary();
        return interrupted;
    }

    private void printSummary() {
        FolderSummary.print(out, results, listed, (System.nanoTime() - started) / 1e9);
        interrupt.summarized();
    }
}
