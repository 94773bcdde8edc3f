package dev.flashvsr.engine.bicubic;

import java.nio.ByteBuffer;

/**
 * Separable bicubic upscaling of one 8-bit plane (with 1 to 4 interleaved channels) by an integer
 * factor. Rows are filtered horizontally into integer scratch rows (in units of 1/1024), then
 * combined vertically (units of 1/1024^2, at most about 2^29 in magnitude, so int arithmetic
 * cannot overflow) and rounded half up to the nearest integer, clamped to 0..255. A plane is cut into horizontal bands so
 * several threads can share it; each band owns its scratch memory, reused across frames.
 *
 * <p>Speed: the hot loops are plain indexed loops over int arrays that the JIT turns into SIMD
 * code. For that, a source row is first split into one int row per channel with its edge pixels
 * repeated (so no index is clamped in the loops), and scratch rows are kept "phase-planar": one
 * segment per (channel, phase), where phase p holds output columns {@code scale * i + p}, whose
 * taps all have the same weights (see {@link AxisTaps}). The vertical pass works on whole
 * scratch rows at once; only the last step puts the samples back in output order.
 */
final class PlaneResampler {
    /** Below this many output samples a band costs more to hand to another thread than to compute. */
    private static final int MIN_BAND_SAMPLES = 1 << 16;

    private final int sourceWidth;
    private final int sourceHeight;
    private final int outputWidth;
    private final int outputHeight;
    private final int channels;
    private final int scale;
    private final AxisTaps columns;
    private final AxisTaps rows;
    /** Repeated edge pixels before the first source pixel of a padded channel row. */
    private final int padLeft;
    /** Length of a padded channel row. */
    private final int paddedWidth;
    /** Output columns per phase: phase p holds columns p, p + scale, ... below outputWidth. */
    private final int[] phaseColumns;
    /** Length of one (channel, phase) segment of a scratch row: the most columns of any phase. */
    private final int segment;
    private final int[] bandStart;
    private final int[][][] bandScratch;
    /** Per band: one source row as bytes, then as padded int rows, one per channel. */
    private final byte[][] bandSourceRow;
    private final int[][] bandPaddedRow;
    /** Per band: one output row as clamped ints in scratch layout, then as bytes in output order. */
    private final int[][] bandClampedRow;
    private final byte[][] bandOutputRow;

    PlaneResampler(int sourceWidth, int sourceHeight, int outputWidth, int outputHeight, int channels,
            int scale, int bands) {
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.outputWidth = outputWidth;
        this.outputHeight = outputHeight;
        this.channels = channels;
        this.scale = scale;
        this.columns = new AxisTaps(sourceWidth, outputWidth, scale);
        this.rows = new AxisTaps(sourceHeight, outputHeight, scale);
        phaseColumns = new int[scale];
        int lowest = 0;
        int highest = sourceWidth - 1;
        for (int p = 0; p < scale; p++) {
            phaseColumns[p] = Math.max(0, (outputWidth - p + scale - 1) / scale);
            if (phaseColumns[p] > 0) {
                lowest = Math.min(lowest, columns.phaseFirst[p]);
                highest = Math.max(highest, columns.phaseFirst[p] + phaseColumns[p] - 1 + AxisTaps.TAPS - 1);
            }
        }
        padLeft = -lowest;
        paddedWidth = highest - lowest + 1;
        segment = phaseColumns[0];
        int rowLength = channels * scale * segment;

        int bandCount = (int) Math.max(1, Math.min(bands, (long) outputWidth * channels * outputHeight / MIN_BAND_SAMPLES));
        bandStart = new int[bandCount + 1];
        bandScratch = new int[bandCount][][];
        bandSourceRow = new byte[bandCount][sourceWidth * channels];
        bandPaddedRow = new int[bandCount][channels * paddedWidth];
        bandClampedRow = new int[bandCount][rowLength];
        bandOutputRow = new byte[bandCount][outputWidth * channels];
        for (int b = 0; b <= bandCount; b++) {
            bandStart[b] = (int) ((long) outputHeight * b / bandCount);
        }
        for (int b = 0; b < bandCount; b++) {
            int firstSource = rows.index[bandStart[b] * AxisTaps.TAPS];
            int lastSource = rows.index[bandStart[b + 1] * AxisTaps.TAPS - 1];
            bandScratch[b] = new int[lastSource - firstSource + 1][rowLength];
        }
    }

    int bandCount() {
        return bandScratch.length;
    }

    /** Resamples the output rows of one band. Bands may run concurrently. */
    void resampleBand(int band, ByteBuffer source, int sourceStride, ByteBuffer output, int outputStride) {
        int firstRow = bandStart[band];
        int endRow = bandStart[band + 1];
        int[][] scratch = bandScratch[band];
        int firstSource = rows.index[firstRow * AxisTaps.TAPS];
        byte[] sourceRow = bandSourceRow[band];
        int[] padded = bandPaddedRow[band];
        for (int r = 0; r < scratch.length; r++) {
            source.get((firstSource + r) * sourceStride, sourceRow);
            padChannels(sourceRow, padded);
            filterRow(padded, scratch[r]);
        }
        int[] clamped = bandClampedRow[band];
        byte[] outputRow = bandOutputRow[band];
        for (int oy = firstRow; oy < endRow; oy++) {
            int t = oy * AxisTaps.TAPS;
            combineRows(scratch[rows.index[t] - firstSource], scratch[rows.index[t + 1] - firstSource],
                    scratch[rows.index[t + 2] - firstSource], scratch[rows.index[t + 3] - firstSource],
                    rows.weight[t], rows.weight[t + 1], rows.weight[t + 2], rows.weight[t + 3], clamped);
            interleave(clamped, outputRow);
            output.put(oy * outputStride, outputRow);
        }
    }

    /** Splits interleaved channels into one int row each, repeating the edge pixels into the padding. */
    private void padChannels(byte[] source, int[] padded) {
        for (int c = 0; c < channels; c++) {
            int base = c * paddedWidth;
            for (int x = 0; x < sourceWidth; x++) {
                padded[base + padLeft + x] = source[x * channels + c] & 0xff;
            }
            int first = padded[base + padLeft];
            for (int x = 0; x < padLeft; x++) {
                padded[base + x] = first;
            }
            int last = padded[base + padLeft + sourceWidth - 1];
            for (int x = padLeft + sourceWidth; x < paddedWidth; x++) {
                padded[base + x] = last;
            }
        }
    }

    /** Filters one padded source row horizontally into a scratch row, one segment per (channel, phase). */
    private void filterRow(int[] padded, int[] filtered) {
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < scale; p++) {
                int from = c * paddedWidth + padLeft + columns.phaseFirst[p];
                int to = (c * scale + p) * segment;
                int w0 = columns.weight[p * AxisTaps.TAPS];
                int w1 = columns.weight[p * AxisTaps.TAPS + 1];
                int w2 = columns.weight[p * AxisTaps.TAPS + 2];
                int w3 = columns.weight[p * AxisTaps.TAPS + 3];
                int count = phaseColumns[p];
                for (int i = 0; i < count; i++) {
                    filtered[to + i] = w0 * padded[from + i] + w1 * padded[from + i + 1]
                            + w2 * padded[from + i + 2] + w3 * padded[from + i + 3];
                }
            }
        }
    }

    private static final int SHIFT = 2 * AxisTaps.FRACTION_BITS;
    private static final int HALF = 1 << (SHIFT - 1);

    /**
     * Combines four scratch rows and rounds each value, in units of 1/1024^2, half up to the
     * nearest integer in 0..255. The clamp is written with shifts and masks because the JIT
     * vectorises those, not Math.min/max (JDK 17).
     */
    private static void combineRows(int[] r0, int[] r1, int[] r2, int[] r3, int w0, int w1, int w2, int w3,
            int[] clamped) {
        for (int i = 0; i < clamped.length; i++) {
            int v = (w0 * r0[i] + w1 * r1[i] + w2 * r2[i] + w3 * r3[i] + HALF) >> SHIFT;
            v &= ~(v >> 31);
            v |= (255 - v) >> 31;
            clamped[i] = v & 0xff;
        }
    }

    /** Puts a clamped row from scratch layout back into output order (column-major within a pixel). */
    private void interleave(int[] clamped, byte[] outputRow) {
        int pixelStep = scale * channels;
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < scale; p++) {
                int from = (c * scale + p) * segment;
                int to = p * channels + c;
                int count = phaseColumns[p];
                for (int i = 0; i < count; i++) {
                    outputRow[to + i * pixelStep] = (byte) clamped[from + i];
                }
            }
        }
    }

    @Override
    public String toString() {
        return sourceWidth + "x" + sourceHeight + "x" + channels + " -> " + outputWidth + "x" + outputHeight;
    }
}
