package dev.flashvsr.engine.bicubic;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes one resampled output row, held phase-planar (one array of clamped values per (channel,
 * phase), where phase p holds output columns {@code scale * i + p}; see {@link PlaneResampler}),
 * to a frame in pixel order.
 *
 * <p>The row is packed four bytes to an int (little endian) in periods of {@link #periodInts} ints
 * that hold {@link #periodColumns} columns of every phase (lcm(scale * channels, 4) bytes); byte m
 * of int u of a period comes from array {@code packArray[4 * u + m]} at column
 * {@code packColumn[4 * u + m]} plus the period's first column. The ints are then copied to the
 * frame in one bulk copy. Each band of a plane owns one packer: it holds the band's scratch rows.
 */
final class RowPacker {
    private final int rowBytes;
    private final int segment;
    private final int periodInts;
    private final int periodColumns;
    private final int[] packArray;
    private final int[] packColumn;
    /** Where a pixel group spans several ints: each int of the group, packed for all columns. */
    private final int[][] lanes;
    private final int[] packed;

    /** {@code segment}: the length of the phase arrays, a multiple of {@link #periodColumns(int, int)}. */
    RowPacker(int outputWidth, int channels, int scale, int segment) {
        rowBytes = outputWidth * channels;
        this.segment = segment;
        int pixelGroup = scale * channels;
        int periodBytes = pixelGroup * 4 / gcd(pixelGroup, 4);
        periodInts = periodBytes / 4;
        periodColumns = periodColumns(channels, scale);
        packArray = new int[periodBytes];
        packColumn = new int[periodBytes];
        for (int j = 0; j < periodBytes; j++) {
            packArray[j] = j % channels * scale + j % pixelGroup / channels;
            packColumn[j] = j / pixelGroup;
        }
        lanes = new int[periodColumns == 1 ? periodInts : 0][segment];
        packed = new int[channels * scale * segment / 4];
    }

    /** How many columns of each phase one packing period holds. */
    static int periodColumns(int channels, int scale) {
        int pixelGroup = scale * channels;
        return 4 / gcd(pixelGroup, 4);
    }

    /** Writes the row at byte {@code offset} of {@code output}. */
    void write(int[][] clamped, ByteBuffer output, int offset) {
        interleave(clamped);
        ByteBuffer row = output.slice(offset, rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        int wholeInts = rowBytes / 4;
        row.asIntBuffer().put(packed, 0, wholeInts);
        for (int j = 4 * wholeInts; j < rowBytes; j++) {
            row.put(j, (byte) (packed[j / 4] >>> (8 * (j % 4))));
        }
    }

    /**
     * Packs the row in output order. Where a pixel group is a whole number of ints (scale times
     * channels a multiple of 4), each int of a group is first packed for all columns by a loop
     * the JIT vectorises, then the ints are interleaved; otherwise (x2 with 1 or 3 channels) one
     * strided loop packs every int.
     */
    private void interleave(int[][] clamped) {
        if (periodColumns == 1) {
            if (periodInts == 1) {
                packGroups(clamped[packArray[0]], clamped[packArray[1]], clamped[packArray[2]], clamped[packArray[3]],
                        packed);
                return;
            }
            for (int u = 0; u < periodInts; u++) {
                int[] lane = lanes[u];
                packGroups(clamped[packArray[4 * u]], clamped[packArray[4 * u + 1]], clamped[packArray[4 * u + 2]],
                        clamped[packArray[4 * u + 3]], lane);
                for (int t = 0, o = u; t < lane.length; t++, o += periodInts) {
                    packed[o] = lane[t];
                }
            }
            return;
        }
        int periods = segment / periodColumns;
        for (int u = 0; u < periodInts; u++) {
            int[] b0 = clamped[packArray[4 * u]];
            int[] b1 = clamped[packArray[4 * u + 1]];
            int[] b2 = clamped[packArray[4 * u + 2]];
            int[] b3 = clamped[packArray[4 * u + 3]];
            int c0 = packColumn[4 * u];
            int c1 = packColumn[4 * u + 1];
            int c2 = packColumn[4 * u + 2];
            int c3 = packColumn[4 * u + 3];
            for (int t = 0, i = 0, o = u; t < periods; t++, i += periodColumns, o += periodInts) {
                packed[o] = b0[c0 + i] | b1[c1 + i] << 8 | b2[c2 + i] << 16 | b3[c3 + i] << 24;
            }
        }
    }

    private static void packGroups(int[] b0, int[] b1, int[] b2, int[] b3, int[] packed) {
        for (int t = 0; t < packed.length; t++) {
            packed[t] = b0[t] | b1[t] << 8 | b2[t] << 16 | b3[t] << 24;
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
