package dev.flashvsr.tools.calibrate;

/**
 * The distribution of one activation's magnitudes over the calibration frames, collected in two
 * passes: {@link #addToMaximum} over every frame, then {@link #addToHistogram} into
 * {@link #BINS} equal bins over [0, maximum]. Symmetric quantization only needs |x|.
 */
final class ActivationHistogram {
    static final int BINS = 2048;

    private final String tensor;
    private float maximum;
    /** The first NaN or infinity seen, 0 when every value was finite. */
    private float nonFinite;
    private final long[] counts = new long[BINS];
    private long total;

    ActivationHistogram(String tensor) {
        this.tensor = tensor;
    }

    String tensor() {
        return tensor;
    }

    /** First pass; a NaN or infinity is remembered, so that {@link #checkUsable()} can report it. */
    void addToMaximum(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                if (nonFinite == 0) {
                    nonFinite = v;
                }
            } else {
                maximum = Math.max(maximum, Math.abs(v));
            }
        }
    }

    /**
     * @throws CalibrationException when the activation is not finite or is zero on every frame:
     *     its scale would be NaN, infinite or zero
     */
    void checkUsable() throws CalibrationException {
        if (nonFinite != 0) {
            throw new CalibrationException("activation '" + tensor + "' of the fp32 graph reaches " + nonFinite
                    + " on the calibration frames, so its INT8 scale would be " + nonFinite + "; the fp32 graph's"
                    + " weights overflow: check them with the fp32 model first");
        }
        if (maximum == 0) {
            throw new CalibrationException("activation '" + tensor + "' is 0 on every calibration frame, so it has"
                    + " no INT8 scale; calibrate on photos with content (not blank frames)");
        }
    }

    /** Second pass. */
    void addToHistogram(float[] values) {
        for (float v : values) {
            counts[bin(Math.abs(v))]++;
        }
        total += values.length;
    }

    private int bin(float magnitude) {
        return Math.min(BINS - 1, (int) (magnitude / maximum * BINS));
    }

    float maximum() {
        return maximum;
    }

    float binWidth() {
        return maximum / BINS;
    }

    long[] counts() {
        return counts;
    }

    long total() {
        return total;
    }
}
