package dev.flashvsr.engine.cuda;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The padding and cropping kernels, compiled for the host, against the formulas of
 * {@code dev.flashvsr.engine.flashvsr.FramePreparation} (private there, so restated in
 * {@link #padReference} and {@link #cropReference}): FP32 bit for bit, FP16 outputs the float
 * result rounded to the nearest half, FP16 inputs widened; 1 and 3 channels, odd sizes, from and into
 * padded planes whose gaps must stay untouched (and, read by mistake, are NaN).
 */
class PlanarGeometryKernelTest {
    /** Source width, height, then padded width, height. */
    static final int[][] PADS = {{1, 1, 1, 1}, {1, 1, 4, 3}, {1, 6, 5, 6}, {6, 1, 6, 8}, {7, 5, 7, 5}, {7, 5, 16, 9},
        {33, 17, 128, 128}};
    /** Source width, height, then the region's x0, y0, width, height. */
    static final int[][] CROPS = {{128, 128, 0, 0, 33, 17}, {20, 10, 3, 2, 7, 5}, {5, 5, 4, 4, 1, 1},
        {8, 3, 0, 0, 8, 3}, {9, 9, 8, 0, 1, 9}, {9, 9, 0, 8, 9, 1}};
    /** FlashVSR's maps (pad: {@code up * 2 - 1}; crop: {@code (model + 1) * 0.5f}), and one whose two roundings both matter. */
    static final float[][] MAPS = {{2f, -1f}, {0.3f, 0.7f}};

    @TempDir
    static Path buildFolder;
    static HostKernelLibrary.GeometryKernels kernels;

    @BeforeAll
    static void buildKernels() throws Exception {
        kernels = HostKernelLibrary.buildGeometryKernels("g++", buildFolder);
    }

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (float[] map : MAPS) {
            for (int channels : new int[] {1, 3}) {
                for (boolean srcHalf : new boolean[] {false, true}) {
                    for (boolean dstHalf : new boolean[] {false, true}) {
                        cases.add(Arguments.of(map[0], map[1], channels, srcHalf, dstHalf));
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "mul {0}, add {1}, {2} channels, fp16 in {3}, fp16 out {4}")
    @MethodSource("cases")
    void padEqualsFramePreparation(float mul, float add, int channels, boolean srcHalf, boolean dstHalf) {
        Random random = new Random(128);
        for (int[] size : PADS) {
            int w = size[0];
            int h = size[1];
            for (float[] input : inputs(random, channels * w * h)) {
                String what = "pad " + w + "x" + h + " to " + size[2] + "x" + size[3] + " " + channels + "ch"
                        + (srcHalf ? " fp16" : " fp32") + (dstHalf ? "->fp16" : "->fp32");
                StridedPlanes src = StridedPlanes.of(input, channels, w, h, srcHalf);
                StridedPlanes dst = new StridedPlanes(channels, size[2], size[3], dstHalf);
                kernels.host_pad_planar(src.pointer(), src.halfFlag(), src.rowStride, src.planeStride, w, h,
                        dst.pointer(), dst.halfFlag(), dst.rowStride, dst.planeStride, size[2], size[3], channels, mul,
                        add);
                dst.assertHolds(padReference(src.values(), channels, w, h, size[2], size[3], mul, add), what);
            }
        }
    }

    @ParameterizedTest(name = "mul {0}, add {1}, {2} channels, fp16 in {3}, fp16 out {4}")
    @MethodSource("cases")
    void cropEqualsFramePreparation(float mul, float add, int channels, boolean srcHalf, boolean dstHalf) {
        Random random = new Random(127);
        for (int[] crop : CROPS) {
            int w = crop[4];
            int h = crop[5];
            for (float[] input : inputs(random, channels * crop[0] * crop[1])) {
                String what = "crop " + w + "x" + h + " at (" + crop[2] + ", " + crop[3] + ") of " + crop[0] + "x"
                        + crop[1] + " " + channels + "ch" + (srcHalf ? " fp16" : " fp32") + (dstHalf ? "->fp16" : "->fp32");
                StridedPlanes src = StridedPlanes.of(input, channels, crop[0], crop[1], srcHalf);
                StridedPlanes dst = new StridedPlanes(channels, w, h, dstHalf);
                // the pad map's inverse, (v - add) / mul as (v + add') * mul': FlashVSR's crop adds 1 and halves
                float cropAdd = -add;
                float cropMul = 1 / mul;
                kernels.host_crop_planar(src.pointer(), src.halfFlag(), src.rowStride, src.planeStride, crop[2],
                        crop[3], dst.pointer(), dst.halfFlag(), dst.rowStride, dst.planeStride, w, h, channels, cropAdd,
                        cropMul);
                dst.assertHolds(cropReference(src.values(), channels, crop[0], crop[1], crop[2], crop[3], w, h, cropAdd,
                        cropMul), what);
            }
        }
    }

    /** Random values in [-1.5, 1.5], and values of magnitudes from 2^-30 to 2^10 of both signs, where rounding shows. */
    private static float[][] inputs(Random random, int n) {
        float[] unit = new float[n];
        float[] wide = new float[n];
        for (int i = 0; i < n; i++) {
            unit[i] = 3 * random.nextFloat() - 1.5f;
            wide[i] = (random.nextBoolean() ? 1 : -1) * (float) Math.scalb(1 + random.nextFloat(), random.nextInt(41) - 30);
        }
        return new float[][] {unit, wide};
    }

    /**
     * FramePreparation.modelInput's padding: each output (x, y) reads the clamped source pixel; FlashVSR's
     * map is Java's {@code up * 2 - 1}, spelled so here, any other {@code v * mul + add}.
     */
    static float[] padReference(float[] up, int channels, int w, int h, int paddedWidth, int paddedHeight, float mul,
            float add) {
        boolean flashVsr = mul == 2f && add == -1f;
        float[] out = new float[channels * paddedWidth * paddedHeight];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < paddedHeight; y++) {
                int sy = Math.min(y, h - 1);
                for (int x = 0; x < paddedWidth; x++) {
                    int sx = Math.min(x, w - 1);
                    float v = up[(c * h + sy) * w + sx];
                    out[(c * paddedHeight + y) * paddedWidth + x] = flashVsr ? v * 2 - 1 : v * mul + add;
                }
            }
        }
        return out;
    }

    /**
     * FramePreparation.outputFrame's crop (there at (0, 0)): FlashVSR's map is Java's
     * {@code (model + 1) * 0.5f}, spelled so here, any other {@code (v + add) * mul}.
     */
    static float[] cropReference(float[] model, int channels, int modelWidth, int modelHeight, int x0, int y0, int w,
            int h, float add, float mul) {
        boolean flashVsr = add == 1f && mul == 0.5f;
        float[] out = new float[channels * w * h];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int from = (c * modelHeight + y + y0) * modelWidth + x0;
                int to = (c * h + y) * w;
                for (int x = 0; x < w; x++) {
                    float v = model[from + x];
                    out[to + x] = flashVsr ? (v + 1) * 0.5f : (v + add) * mul;
                }
            }
        }
        return out;
    }
}
