package dev.flashvsr.tools.eval;

import java.util.List;

/** Scores of one model on one clip, or their mean over clips. */
public record Scores(String image, int width, int height, int frames, double psnr, double ssim,
        double temporalError, double matdOutput, double matdTruth) {

    /** PSNR-Y and SSIM-Y averaged over the frames, temporal statistics over the frame pairs. */
    public static Scores of(TestSequence sequence, List<RgbImage> output, int border) {
        List<RgbImage> truth = sequence.truth();
        if (output.size() != truth.size()) {
            throw new IllegalArgumentException(output.size() + " output frames for " + truth.size() + " ground-truth frames");
        }
        List<Metrics.Plane> outY = output.stream().map(Metrics.Plane::luma).toList();
        List<Metrics.Plane> truthY = truth.stream().map(Metrics.Plane::luma).toList();
        double psnr = 0;
        double ssim = 0;
        for (int t = 0; t < truth.size(); t++) {
            psnr += Metrics.psnr(outY.get(t), truthY.get(t), border);
            ssim += Metrics.ssim(outY.get(t), truthY.get(t), border);
        }
        Metrics.Temporal temporal = Metrics.temporal(outY, truthY, border);
        return new Scores(sequence.name(), sequence.width(), sequence.height(), truth.size(), psnr / truth.size(),
                ssim / truth.size(), temporal.error(), temporal.matdOutput(), temporal.matdTruth());
    }

    /** The mean of each column over the given rows, labelled {@code mean}. */
    public static Scores mean(List<Scores> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to average");
        }
        double psnr = 0;
        double ssim = 0;
        double te = 0;
        double mo = 0;
        double mt = 0;
        int frames = 0;
        for (Scores s : rows) {
            psnr += s.psnr;
            ssim += s.ssim;
            te += s.temporalError;
            mo += s.matdOutput;
            mt += s.matdTruth;
            frames += s.frames;
        }
        int n = rows.size();
        return new Scores("mean", 0, 0, frames, psnr / n, ssim / n, te / n, mo / n, mt / n);
    }
}
