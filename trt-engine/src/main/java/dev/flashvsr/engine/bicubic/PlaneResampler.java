package dev.flashvsr.engine.bicubic;

import java.nio.ByteBuffer;

/**
 * Separable bicubic upscaling of one 8-bit plane (with 1 to 4 interleaved channels) by an integer
 * factor. Rows are filtered horizontally into float scratch rows, then combined vertically and
 * rounded to the nearest integer, clamped to 0..255. A plane is cut into horizontal bands so
 * several threads can share it; each band owns its scratch memory, reused across frames.
 */
final class PlaneResampler {
    private final int sourceWidth;
    private final int sourceHeight;
    private final int outputWidth;
    private final int outputHeight;
    private final int channels;
    private final AxisTaps columns;
    private final AxisTaps rows;
    private final int[] bandStart;
    private final float[][][] bandScratch;

    PlaneResampler(int sourceWidth, int sourceHeight, int outputWidth, int outputHeight, int channels,
            int scale, int bands) {
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.outputWidth = outputWidth;
        this.outputHeight = outputHeight;
        this.channels = channels;
        this.columns = new AxisTaps(sourceWidth, outputWidth, scale);
        this.rows = new AxisTaps(sourceHeight, outputHeight, scale);
        int bandCount = Math.max(1, Math.min(bands, outputHeight));
        bandStart = new int[bandCount + 1];
        bandScratch = new float[bandCount][][];
        for (int b = 0; b <= bandCount; b++) {
            bandStart[b] = (int) ((long) outputHeight * b / bandCount);
        }
        for (int b = 0; b < bandCount; b++) {
            int firstSource = rows.index[bandStart[b] * AxisTaps.TAPS];
            int lastSource = rows.index[bandStart[b + 1] * AxisTaps.TAPS - 1];
            bandScratch[b] = new float[lastSource - firstSource + 1][outputWidth * channels];
        }
    }

    int bandCount() {
        return bandScratch.length;
    }

    /** Resamples the output rows of one band. Bands may run concurrently. */
    void resampleBand(int band, ByteBuffer source, int sourceStride, ByteBuffer output, int outputStride) {
        int firstRow = bandStart[band];
        int endRow = bandStart[band + 1];
        float[][] scratch = bandScratch[band];
        int firstSource = rows.index[firstRow * AxisTaps.TAPS];
        for (int r = 0; r < scratch.length; r++) {
            filterRow(source, (firstSource + r) * sourceStride, scratch[r]);
        }
        int rowSamples = outputWidth * channels;
        for (int oy = firstRow; oy < endRow; oy++) {
            int t = oy * AxisTaps.TAPS;
            float[] r0 = scratch[rows.index[t] - firstSource];
            float[] r1 = scratch[rows.index[t + 1] - firstSource];
            float[] r2 = scratch[rows.index[t + 2] - firstSource];
            float[] r3 = scratch[rows.index[t + 3] - firstSource];
            float w0 = rows.weight[t];
            float w1 = rows.weight[t + 1];
            float w2 = rows.weight[t + 2];
            float w3 = rows.weight[t + 3];
            int out = oy * outputStride;
            for (int i = 0; i < rowSamples; i++) {
                float v = w0 * r0[i] + w1 * r1[i] + w2 * r2[i] + w3 * r3[i];
                output.put(out + i, toByte(v));
            }
        }
    }

    private void filterRow(ByteBuffer source, int rowOffset, float[] filtered) {
        for (int ox = 0; ox < outputWidth; ox++) {
            int t = ox * AxisTaps.TAPS;
            int p0 = rowOffset + columns.index[t] * channels;
            int p1 = rowOffset + columns.index[t + 1] * channels;
            int p2 = rowOffset + columns.index[t + 2] * channels;
            int p3 = rowOffset + columns.index[t + 3] * channels;
            float w0 = columns.weight[t];
            float w1 = columns.weight[t + 1];
            float w2 = columns.weight[t + 2];
            float w3 = columns.weight[t + 3];
            int o = ox * channels;
            for (int c = 0; c < channels; c++) {
                filtered[o + c] = w0 * (source.get(p0 + c) & 0xff) + w1 * (source.get(p1 + c) & 0xff)
                        + w2 * (source.get(p2 + c) & 0xff) + w3 * (source.get(p3 + c) & 0xff);
            }
        }
    }

    private static byte toByte(float v) {
        int rounded = Math.round(v);
        return (byte) (rounded < 0 ? 0 : Math.min(rounded, 255));
    }

    @Override
    public String toString() {
        return sourceWidth + "x" + sourceHeight + "x" + channels + " -> " + outputWidth + "x" + outputHeight;
    }
}
