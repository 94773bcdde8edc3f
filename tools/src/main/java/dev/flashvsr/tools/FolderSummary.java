package dev.flashvsr.tools;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The table that ends folder mode (file, frames, fps, result) and its total line. */
final class FolderSummary {
    private FolderSummary() {
    }

    static void print(PrintWriter out, List<FolderResult> results, int listed, double elapsedSeconds) {
        int width = Math.max("file".length(), results.stream().mapToInt(r -> r.file().length()).max().orElse(0));
        String row = "%-" + width + "s  %7s  %7s  %s%n";
        out.printf(Locale.ROOT, row, "file", "frames", "fps", "result");
        for (FolderResult r : results) {
            out.printf(Locale.ROOT, row, r.file(), r.framesText(), r.fps(), r.result());
        }
        out.println(total(results, listed, elapsedSeconds));
        out.flush();
    }

    /** "total: 3 done, 1 failed, 2 skipped, 1 not started of 7 files; 48 frames in 0:12". */
    static String total(List<FolderResult> results, int listed, double elapsedSeconds) {
        long frames = results.stream().mapToLong(r -> Math.max(0, r.frames())).sum();
        StringBuilder sb = new StringBuilder("total: ")
                .append(count(results, FolderResult.Outcome.DONE)).append(" done, ")
                .append(count(results, FolderResult.Outcome.FAILED)).append(" failed, ")
                .append(count(results, FolderResult.Outcome.SKIPPED)).append(" skipped");
        long interrupted = count(results, FolderResult.Outcome.INTERRUPTED);
        if (interrupted > 0) {
            sb.append(", ").append(interrupted).append(" interrupted");
        }
        if (results.size() < listed) {
            sb.append(", ").append(listed - results.size()).append(" not started");
        }
        return sb.append(" of ").append(listed).append(listed == 1 ? " file; " : " files; ").append(frames)
                .append(" frames in ").append(Progress.clock(elapsedSeconds)).toString();
    }

    private static long count(List<FolderResult> results, FolderResult.Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }
}
