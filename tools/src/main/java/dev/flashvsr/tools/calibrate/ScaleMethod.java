package dev.flashvsr.tools.calibrate;

import dev.flashvsr.engine.onnx.precision.Int8Quantization;

/** How an activation's INT8 range (the magnitude that maps to 127) is chosen from its histogram. */
enum ScaleMethod {
    /** The largest magnitude seen: nothing clips, the step is the coarsest. */
    MAX("max"),
    /** The magnitude 99.99% of the values stay below: the rare extremes clip, the step is finer. */
    PERCENTILE("percentile-99.99"),
    /** The range that minimizes the expected squared error: clipping plus rounding (step^2 / 12). */
    MSE("mse");

    static final double PERCENTILE_FRACTION = 0.9999;

    private final String label;

    ScaleMethod(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The INT8 scale (value of one step) for this activation. */
    float scale(ActivationHistogram histogram) {
        return range(histogram) / Int8Quantization.QMAX;
    }

    float range(ActivationHistogram histogram) {
        return switch (this) {
            case MAX -> histogram.maximum();
            case PERCENTILE -> percentile(histogram);
            case MSE -> leastSquaredError(histogram);
        };
    }

    private static float percentile(ActivationHistogram histogram) {
        long[] counts = histogram.counts();
        double wanted = PERCENTILE_FRACTION * histogram.total();
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= wanted) {
                return (i + 1) * histogram.binWidth();
            }
        }
        return histogram.maximum();
    }

    /** Tries every bin edge as the range; values are taken at their bin's centre. */
    private static float leastSquaredError(ActivationHistogram histogram) {
        long[] counts = histogram.counts();
        double width = histogram.binWidth();
        int best = counts.length;
        double bestError = Double.POSITIVE_INFINITY;
        for (int edge = 1; edge <= counts.length; edge++) {
            double range = edge * width;
            double step = range / Int8Quantization.QMAX;
            double error = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    continue;
                }
                double centre = (i + 0.5) * width;
                double clipped = centre - range;
                error += counts[i] * (clipped > 0 ? clipped * clipped : step * step / 12);
            }
            if (error < bestError) {
                bestError = error;
                best = edge;
            }
        }
        return (float) (best * width);
    }
}
