package dev.flashvsr.tools.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * What the HTML report shows of one clip under one degradation: the same crop of one frame from
 * the input, each model and the ground truth, and each model's per-frame scores.
 */
final class ClipPanel {

    /** One model's crop and per-frame scores; {@code temporalError[i]} is for frames i and i + 1. */
    record Trace(String label, RgbImage crop, double[] psnr, double[] temporalError) {
    }

    private final Degradation degradation;
    private final String clipName;
    /** The clip's ground truth (the low-resolution frames are not kept: only their crop is shown). */
    private final List<RgbImage> truth;
    private final DetailCrop crop;
    private final RgbImage input;
    private final List<Trace> traces = new ArrayList<>();

    /** Shows the last frame: recurrent models have seen the others by then. */
    ClipPanel(Degradation degradation, TestSequence clip, int scale) {
        this.degradation = degradation;
        this.clipName = clip.name();
        this.truth = clip.truth();
        int shown = clip.frames() - 1;
        this.crop = DetailCrop.mostDetailed(clip.truth().get(shown), shown, scale);
        this.input = crop.ofLowRes(clip.lowRes().get(shown), scale);
    }

    /** Whether this panel is for that clip under that degradation (the ground truth is shared, not copied). */
    boolean isFor(Degradation d, TestSequence c) {
        return degradation.equals(d) && truth == c.truth();
    }

    /** Scores each frame of a model's output; the border left out is the scale, as in {@link Scores}. */
    void add(String label, List<RgbImage> output, int scale) {
        double[] psnr = new double[truth.size()];
        double[] temporal = new double[truth.size() - 1];
        Metrics.Plane previousOut = null;
        Metrics.Plane previousTruth = null;
        for (int t = 0; t < truth.size(); t++) {
            Metrics.Plane out = Metrics.Plane.luma(output.get(t));
            Metrics.Plane gt = Metrics.Plane.luma(truth.get(t));
            psnr[t] = Metrics.psnr(out, gt, scale);
            if (t > 0) {
                temporal[t - 1] = Metrics.temporal(List.of(previousOut, out), List.of(previousTruth, gt), scale).error();
            }
            previousOut = out;
            previousTruth = gt;
        }
        traces.add(new Trace(label, crop.of(output.get(crop.frame())), psnr, temporal));
    }

    Degradation degradation() {
        return degradation;
    }

    String clipName() {
        return clipName;
    }

    int width() {
        return truth.get(0).width();
    }

    int height() {
        return truth.get(0).height();
    }

    int frames() {
        return truth.size();
    }

    DetailCrop crop() {
        return crop;
    }

    /** The low-resolution input's crop enlarged with nearest neighbour to the models' zoom. */
    RgbImage input() {
        return input;
    }

    RgbImage truth() {
        return crop.of(truth.get(crop.frame()));
    }

    List<Trace> traces() {
        return List.copyOf(traces);
    }
}
