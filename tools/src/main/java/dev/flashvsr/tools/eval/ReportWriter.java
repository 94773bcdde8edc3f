package dev.flashvsr.tools.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Prints evaluation results as text tables and summary lines, and writes them as CSV. */
public final class ReportWriter {

    private ReportWriter() {
    }

    static String psnr(double v) {
        return Double.isNaN(v) ? "-" : Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String ssim(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String temporal(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A signed difference, or "-" when either side is not a finite number. */
    static String delta(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        // Avoid printing "-0.00" for a difference that rounds to zero.
        double scale = Math.pow(10, decimals);
        double rounded = Math.round(v * scale) / scale;
        return String.format(Locale.ROOT, "%+." + decimals + "f", rounded == 0 ? 0.0 : rounded);
    }

    /** One table: a row per clip and the mean. */
    public static void table(PrintWriter out, Evaluator.ModelResult result, int scale) {
        out.printf(Locale.ROOT, "%s x%d, %s%n", result.model(), scale, result.degradation().describe());
        int nameWidth = Math.max(20, result.rows().stream().mapToInt(r -> r.image().length()).max().orElse(0));
        String header = String.format(Locale.ROOT, "  %-" + nameWidth + "s %11s %8s %8s %9s %9s %9s", "image",
                "HR window", "PSNR-Y", "SSIM-Y", "temp.err", "MATD-out", "MATD-gt");
        out.println(header);
        for (Scores row : result.rows()) {
            out.println(row(row, nameWidth, row.width() + "x" + row.height()));
        }
        out.println(row(result.mean(), nameWidth, ""));
        out.println();
    }

    private static String row(Scores s, int nameWidth, String size) {
        return String.format(Locale.ROOT, "  %-" + nameWidth + "s %11s %8s %8s %9s %9s %9s", s.image(), size,
                psnr(s.psnr()), ssim(s.ssim()), temporal(s.temporalError()), temporal(s.matdOutput()),
                temporal(s.matdTruth()));
    }

    static Optional<Evaluator.ModelResult> reference(List<Evaluator.ModelResult> results, String referenceModel,
            Degradation degradation) {
        return results.stream()
                .filter(r -> r.model().equals(referenceModel) && r.degradation().equals(degradation))
                .findFirst();
    }

    /** One line per model and degradation: mean scores, their difference from the reference, speed. */
    public static void summary(PrintWriter out, List<Evaluator.ModelResult> results, String referenceModel,
            int scale) {
        int nameWidth = Math.max(12, results.stream().mapToInt(r -> r.model().length()).max().orElse(0));
        out.printf(Locale.ROOT, "Summary, x%d, mean over images (difference from %s in parentheses; "
                + "higher PSNR-Y/SSIM-Y and lower temporal error are better):%n", scale, referenceModel);
        for (Evaluator.ModelResult r : results) {
            Scores m = r.mean();
            Optional<Evaluator.ModelResult> ref = reference(results, referenceModel, r.degradation());
            String dp = "";
            String ds = "";
            String dt = "";
            if (ref.isPresent()) {
                Scores b = ref.get().mean();
                dp = " (" + delta(m.psnr() - b.psnr(), 2) + ")";
                ds = " (" + delta(m.ssim() - b.ssim(), 4) + ")";
                dt = " (" + delta(m.temporalError() - b.temporalError(), 3) + ")";
            }
            out.printf(Locale.ROOT, "  %-16s %-" + nameWidth + "s PSNR-Y %s dB%-10s SSIM-Y %s%-10s temp.err %s%-9s"
                    + " %.2f ms/frame%n", r.degradation().label(), r.model(), psnr(m.psnr()), dp, ssim(m.ssim()), ds,
                    temporal(m.temporalError()), dt, r.msPerFrame());
        }
    }

    /** CSV with a header: one row per model, degradation and clip, plus a {@code mean} row for each. */
    public static void csv(Writer writer, List<Evaluator.ModelResult> results, String referenceModel, int scale)
            throws IOException {
        writer.write("scale,degradation,model,image,hr_width,hr_height,frames,psnr_y,ssim_y,temporal_error,"
                + "matd_output,matd_truth,delta_psnr_y,delta_ssim_y,delta_temporal_error,ms_per_frame\n");
        for (Evaluator.ModelResult r : results) {
            List<Scores> rows = withMean(r);
            List<Scores> refRows = reference(results, referenceModel, r.degradation()).map(ReportWriter::withMean)
                    .filter(list -> list.size() == rows.size()).orElse(null);
            for (int i = 0; i < rows.size(); i++) {
                Scores s = rows.get(i);
                Scores b = refRows == null ? null : refRows.get(i);
                writer.write(String.join(",", Integer.toString(scale), r.degradation().label(), csvText(r.model()),
                        csvText(s.image()), Integer.toString(s.width()), Integer.toString(s.height()),
                        Integer.toString(s.frames()), number(s.psnr()), number(s.ssim()), number(s.temporalError()),
                        number(s.matdOutput()), number(s.matdTruth()),
                        b == null ? "" : number(s.psnr() - b.psnr()),
                        b == null ? "" : number(s.ssim() - b.ssim()),
                        b == null ? "" : number(s.temporalError() - b.temporalError()),
                        i == rows.size() - 1 ? number(r.msPerFrame()) : ""));
                writer.write('\n');
            }
        }
    }

    private static List<Scores> withMean(Evaluator.ModelResult result) {
        List<Scores> rows = new ArrayList<>(result.rows());
        rows.add(result.mean());
        return rows;
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static String csvText(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
