package dev.flashvsr.engine.bicubic;

import java.nio.ByteBuffer;

/**
 * Separable bicubic upscaling of one 8-bit plane (with 1 to 4 interleaved channels) by an integer
 * factor. Rows are filtered horizontally into integer scratch rows (in units of 1/1024), then
 * combined vertically (units of 1/1024^2, at most about 2^29 in magnitude, so int arithmetic
 * cannot overflow) and rounded half up to the nearest integer, clamped to 0..255. A plane is cut
 * into horizontal bands so several threads can share it; each band owns its scratch memory, reused
 * across frames.
 *
 * <p>Speed: every hot loop is a plain loop over separate int arrays, all indexed from 0, which
 * is the shape JDK 17's JIT turns into SIMD code (it does not for several offsets into one
 * array, for byte/int conversions or for Math.min/max). So scratch rows are "phase-planar": one
 * array per (channel, phase), where phase p holds output columns {@code scale * i + p}, whose taps
 * all have the same weights (see {@link AxisTaps}); a source row becomes, per channel, a few
 * copies shifted by one pixel each, with the edge pixels repeated, so no index is clamped in the
 * loops. Source rows are filtered just before their first use into a window of four, which
 * stays in the cache for the vertical pass, and {@link RowPacker} writes each row to the frame.
 */
final class PlaneResampler {
    /**
     * Below this many output samples a band costs more to hand to another thread than to compute.
     * Small enough that the chroma planes of 320x180 I420 at x2 are split too: whole, they left
     * the calling thread two thirds of the frame.
     */
    private static final int MIN_BAND_SAMPLES = 1 << 14;

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
    /** Phases that have output columns. */
    private final int phases;
    /** Per phase: the shifted copy of the padded row that its first tap reads. */
    private final int[] phaseShift;
    /**
     * Length of every scratch array: the most output columns of any phase, rounded up to whole
     * packing periods.
     */
    private final int segment;
    private final Band[] bands;

    /** The output rows of one band and the scratch memory it owns. */
    private static final class Band {
        final int firstRow;
        final int endRow;
        final int firstSource;
        /**
         * The four source rows the current output row reads, filtered horizontally, source row y
         * at y % 4; each one array per (channel, phase) at channel * scale + phase. Kept this
         * small so that the vertical pass reads them from the cache.
         */
        final int[][][] window;
        /** One source row as bytes, one padded channel row, and its shifted copies per channel. */
        final byte[] sourceRow;
        final int[] paddedRow;
        final int[][][] shifted;
        /** One output row as clamped values per (channel, phase). */
        final int[][] clampedRow;
        final RowPacker packer;

        Band(PlaneResampler plane, int firstRow, int endRow, int shifts) {
            this.firstRow = firstRow;
            this.endRow = endRow;
            firstSource = plane.rows.index[firstRow * AxisTaps.TAPS];
            int arrays = plane.channels * plane.scale;
            window = new int[AxisTaps.TAPS][arrays][plane.segment];
            sourceRow = new byte[plane.sourceWidth * plane.channels];
            paddedRow = new int[shifts + plane.segment];
            shifted = new int[plane.channels][shifts][plane.segment];
            clampedRow = new int[arrays][plane.segment];
            packer = new RowPacker(plane.outputWidth, plane.channels, plane.scale, plane.segment);
        }
    }

    PlaneResampler(int sourceWidth, int sourceHeight, int outputWidth, int outputHeight, int channels,
            int scale, int bandLimit) {
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.outputWidth = outputWidth;
        this.outputHeight = outputHeight;
        this.channels = channels;
        this.scale = scale;
        this.columns = new AxisTaps(sourceWidth, outputWidth, scale);
        this.rows = new AxisTaps(sourceHeight, outputHeight, scale);

        int periodColumns = RowPacker.periodColumns(channels, scale);
        segment = ceilDiv(ceilDiv(outputWidth, scale), periodColumns) * periodColumns;

        // A plane narrower than the scale (a 1-pixel-wide chroma plane at x2) has phases without columns.
        phases = Math.min(scale, outputWidth);
        int lowest = 0;
        for (int p = 0; p < phases; p++) {
            lowest = Math.min(lowest, columns.phaseFirst[p]);
        }
        padLeft = -lowest;
        phaseShift = new int[phases];
        int shifts = 0;
        for (int p = 0; p < phases; p++) {
            phaseShift[p] = padLeft + columns.phaseFirst[p];
            shifts = Math.max(shifts, phaseShift[p] + AxisTaps.TAPS);
        }

        int bandCount = (int) Math.max(1, Math.min(bandLimit, (long) outputWidth * channels * outputHeight / MIN_BAND_SAMPLES));
        bands = new Band[bandCount];
        for (int b = 0; b < bandCount; b++) {
            bands[b] = new Band(this, (int) ((long) outputHeight * b / bandCount),
                    (int) ((long) outputHeight * (b + 1) / bandCount), shifts);
        }
    }

    int bandCount() {
        return bands.length;
    }

    /** Resamples the output rows of one band. Bands may run concurrently. */
    void resampleBand(int index, ByteBuffer source, int sourceStride, ByteBuffer output, int outputStride) {
        Band band = bands[index];
        int[][][] window = band.window;
        int nextSource = band.firstSource;
        for (int oy = band.firstRow; oy < band.endRow; oy++) {
            int t = oy * AxisTaps.TAPS;
            // The taps of successive output rows move down the source rows, at most four consecutive
            // rows at a time, so each source row is filtered once, just before its first use.
            for (; nextSource <= rows.index[t + AxisTaps.TAPS - 1]; nextSource++) {
                source.get(nextSource * sourceStride, band.sourceRow);
                for (int c = 0; c < channels; c++) {
                    shiftChannel(band.sourceRow, c, band.paddedRow, band.shifted[c]);
                }
                filterRow(band.shifted, window[nextSource % AxisTaps.TAPS]);
            }
            int[][] r0 = window[rows.index[t] % AxisTaps.TAPS];
            int[][] r1 = window[rows.index[t + 1] % AxisTaps.TAPS];
            int[][] r2 = window[rows.index[t + 2] % AxisTaps.TAPS];
            int[][] r3 = window[rows.index[t + 3] % AxisTaps.TAPS];
            for (int a = 0; a < band.clampedRow.length; a++) {
                combineRows(r0[a], r1[a], r2[a], r3[a],
                        rows.weight[t], rows.weight[t + 1], rows.weight[t + 2], rows.weight[t + 3], band.clampedRow[a]);
            }
            band.packer.write(band.clampedRow, output, oy * outputStride);
        }
    }

    /**
     * Takes one channel of an interleaved source row, repeats its edge pixels into the padding,
     * and copies it into rows shifted by 0, 1, 2, ... pixels.
     */
    private void shiftChannel(byte[] source, int channel, int[] padded, int[][] shifted) {
        for (int x = 0; x < sourceWidth; x++) {
            padded[padLeft + x] = source[x * channels + channel] & 0xff;
        }
        int first = padded[padLeft];
        for (int x = 0; x < padLeft; x++) {
            padded[x] = first;
        }
        int last = padded[padLeft + sourceWidth - 1];
        for (int x = padLeft + sourceWidth; x < padded.length; x++) {
            padded[x] = last;
        }
        for (int shift = 0; shift < shifted.length; shift++) {
            System.arraycopy(padded, shift, shifted[shift], 0, segment);
        }
    }

    /** Filters one source row, as shifted channel rows, horizontally into one array per (channel, phase). */
    private void filterRow(int[][][] shifted, int[][] filtered) {
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < phases; p++) {
                int t = p * AxisTaps.TAPS;
                int[][] rowCopies = shifted[c];
                int first = phaseShift[p];
                filterPhase(rowCopies[first], rowCopies[first + 1], rowCopies[first + 2], rowCopies[first + 3],
                        columns.weight[t], columns.weight[t + 1], columns.weight[t + 2], columns.weight[t + 3],
                        filtered[c * scale + p]);
            }
        }
    }

    private static void filterPhase(int[] s0, int[] s1, int[] s2, int[] s3, int w0, int w1, int w2, int w3,
            int[] filtered) {
        for (int i = 0; i < filtered.length; i++) {
            filtered[i] = w0 * s0[i] + w1 * s1[i] + w2 * s2[i] + w3 * s3[i];
        }
    }

    private static final int SHIFT = 2 * AxisTaps.FRACTION_BITS;
    private static final int HALF = 1 << (SHIFT - 1);

    /**
     * Combines four horizontally filtered arrays and rounds each value, in units of 1/1024^2,
     * half up to the nearest integer in 0..255, the clamp written with shifts and masks.
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

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return sourceWidth + "x" + sourceHeight + "x" + channels + " -> " + outputWidth + "x" + outputHeight;
    }
}
