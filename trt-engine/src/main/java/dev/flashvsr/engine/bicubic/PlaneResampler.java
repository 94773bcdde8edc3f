package dev.flashvsr.engine.bicubic;

import java.nio.ByteBuffer;

/**
 * Separable bicubic upscaling of one 8-bit plane (with 1 to 4 interleaved channels) by an integer
 * factor. Rows are filtered horizontally into integer scratch rows (in units of 1/1024), then
 * combined vertically (units of 1/1024^2, at most about 2^29 in magnitude, so int arithmetic
 * cannot overflow) and rounded half up to the nearest integer, clamped to 0..255. A plane is cut into horizontal bands so
 * several threads can share it; each band owns its scratch memory, reused across frames.
 */
final class PlaneResampler {
    /** Below this many output samples a band costs more to hand to another thread than to compute. */
    private static final int MIN_BAND_SAMPLES = 1 << 16;

    private final int sourceWidth;
    private final int sourceHeight;
    private final int outputWidth;
    private final int outputHeight;
    private final int channels;
    private final AxisTaps columns;
    private final AxisTaps rows;
    private final int[] bandStart;
    private final int[][][] bandScratch;
    /** Per band: one source row as bytes, and one output row as bytes (bulk copies beat per-byte access). */
    private final byte[][] bandSourceRow;
    private final byte[][] bandOutputRow;

    PlaneResampler(int sourceWidth, int sourceHeight, int outputWidth, int outputHeight, int channels,
            int scale, int bands) {
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.outputWidth = outputWidth;
        this.outputHeight = outputHeight;
        this.channels = channels;
        this.columns = new AxisTaps(sourceWidth, outputWidth, scale);
        this.rows = new AxisTaps(sourceHeight, outputHeight, scale);
        int bandCount = (int) Math.max(1, Math.min(bands, (long) outputWidth * channels * outputHeight / MIN_BAND_SAMPLES));
        bandStart = new int[bandCount + 1];
        bandScratch = new int[bandCount][][];
        bandSourceRow = new byte[bandCount][sourceWidth * channels];
        bandOutputRow = new byte[bandCount][outputWidth * channels];
        for (int b = 0; b <= bandCount; b++) {
            bandStart[b] = (int) ((long) outputHeight * b / bandCount);
        }
        for (int b = 0; b < bandCount; b++) {
            int firstSource = rows.index[bandStart[b] * AxisTaps.TAPS];
            int lastSource = rows.index[bandStart[b + 1] * AxisTaps.TAPS - 1];
            bandScratch[b] = new int[lastSource - firstSource + 1][outputWidth * channels];
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
        for (int r = 0; r < scratch.length; r++) {
            source.get((firstSource + r) * sourceStride, sourceRow);
            filterRow(sourceRow, scratch[r]);
        }
        byte[] outputRow = bandOutputRow[band];
        int rowSamples = outputRow.length;
        for (int oy = firstRow; oy < endRow; oy++) {
            int t = oy * AxisTaps.TAPS;
            int[] r0 = scratch[rows.index[t] - firstSource];
            int[] r1 = scratch[rows.index[t + 1] - firstSource];
            int[] r2 = scratch[rows.index[t + 2] - firstSource];
            int[] r3 = scratch[rows.index[t + 3] - firstSource];
            int w0 = rows.weight[t];
            int w1 = rows.weight[t + 1];
            int w2 = rows.weight[t + 2];
            int w3 = rows.weight[t + 3];
            for (int i = 0; i < rowSamples; i++) {
                outputRow[i] = toByte(w0 * r0[i] + w1 * r1[i] + w2 * r2[i] + w3 * r3[i]);
            }
            output.put(oy * outputStride, outputRow);
        }
    }

    private void filterRow(byte[] source, int[] filtered) {
        for (int ox = 0; ox < outputWidth; ox++) {
            int t = ox * AxisTaps.TAPS;
            int p0 = columns.index[t] * channels;
            int p1 = columns.index[t + 1] * channels;
            int p2 = columns.index[t + 2] * channels;
            int p3 = columns.index[t + 3] * channels;
            int w0 = columns.weight[t];
            int w1 = columns.weight[t + 1];
            int w2 = columns.weight[t + 2];
            int w3 = columns.weight[t + 3];
            int o = ox * channels;
            for (int c = 0; c < channels; c++) {
                filtered[o + c] = w0 * (source[p0 + c] & 0xff) + w1 * (source[p1 + c] & 0xff)
                        + w2 * (source[p2 + c] & 0xff) + w3 * (source[p3 + c] & 0xff);
            }
        }
    }

    private static final int SHIFT = 2 * AxisTaps.FRACTION_BITS;
    private static final int HALF = 1 << (SHIFT - 1);

    /** Rounds a value in units of 1/1024^2 half up to the nearest integer in 0..255. */
    private static byte toByte(int v) {
        return (byte) Math.min(Math.max((v + HALF) >> SHIFT, 0), 255);
    }

    @Override
    public String toString() {
        return sourceWidth + "x" + sourceHeight + "x" + channels + " -> " + outputWidth + "x" + outputHeight;
    }
}
