package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planar-to-colour CUDA kernels, compiled for the host, against
 * {@link ColorConverter#fromPlanarRgb(float[], int, VideoFrame)}: every byte of every plane must be
 * identical, padding included (neither side may write it), from FP32 and FP16 planes with padded
 * rows and planes, on odd and even sizes, with values outside [0, 1], NaN, infinities, -0 and values
 * at and next to the rounding ties of the codes.
 */
class PlanarToColorKernelTest {
    /** Source gaps, filled with a value that would change the output if a kernel read it. */
    static final int SRC_ROW_PAD = 3;
    static final int SRC_PLANE_PAD = 5;
    static final int FRAME_ROW_PAD = 7;
    static final byte FRAME_FILL = 0x5a;

    @TempDir
    static Path buildFolder;
    static KernelPlanarConversion kernels;

    @BeforeAll
    static void buildKernels() throws Exception {
        kernels = new KernelPlanarConversion(HostKernelLibrary.buildPlanarKernels("g++", buildFolder));
    }

    static List<Arguments> yuvCases() {
        List<Arguments> cases = new ArrayList<>();
        for (PixelFormat format : new PixelFormat[] {PixelFormat.NV12, PixelFormat.I420}) {
            for (Colorimetry.Matrix matrix : Colorimetry.Matrix.values()) {
                for (boolean fullRange : new boolean[] {false, true}) {
                    for (Precision precision : new Precision[] {Precision.FP32, Precision.FP16}) {
                        cases.add(Arguments.of(format, new Colorimetry(matrix, fullRange), precision));
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest
    @MethodSource("yuvCases")
    void yuvKernelEqualsCpuConverter(PixelFormat format, Colorimetry colorimetry, Precision precision) {
        try (ColorConverter cpu = new ColorConverter(colorimetry, ChromaUpsampling.BILINEAR, 1)) {
            assertKernelEqualsCpu(format, cpu, precision);
        }
    }

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = {"RGB", "BGR", "RGBA", "BGRA", "RGBX", "BGRX"})
    void packedRgbKernelEqualsCpuConverter(PixelFormat format) {
        try (ColorConverter cpu = new ColorConverter(new Colorimetry(Colorimetry.Matrix.RGB, true))) {
            assertKernelEqualsCpu(format, cpu, Precision.FP32);
            assertKernelEqualsCpu(format, cpu, Precision.FP16);
        }
    }

    @Test
    void kernelWidensEveryHalfExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            if ((bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0) {
                assertTrue(Float.isNaN(kernels.halfToFloat(bits)), "half 0x" + Integer.toHexString(bits));
                continue;
            }
            assertEquals(Float.floatToIntBits(halfToFloat(bits)), Float.floatToIntBits(kernels.halfToFloat(bits)),
                    "half 0x" + Integer.toHexString(bits));
        }
    }

    @Test
    void anUnsupportedPrecisionIsRefused() {
        VideoFrame frame = blankFrame(PixelFormat.RGB, 2, 2);
        ByteBuffer src = ByteBuffer.allocateDirect(64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernels.fromPlanarRgb(src, Precision.BF16, 2, 4, null, frame));
        assertTrue(e.getMessage().contains("bf16"), e.getMessage());
    }

    private static void assertKernelEqualsCpu(PixelFormat format, ColorConverter cpu, Precision precision) {
        Random random = new Random(18);
        for (int[] size : ColorToPlanarKernelTest.SIZES) {
            int w = size[0];
            int h = size[1];
            String what = format + " from " + precision + " " + w + "x" + h + " " + cpu.colorimetry();
            ColorMatrices.Encode matrix = format.isYuv()
                    ? ColorMatrices.Encode.of(cpu.coefficientsFor(h))
                    : null;
            float[] noise = precision == Precision.FP16 ? randomHalves(random, w, h) : randomFloats(random, w, h);
            float[] corners = cubeCorners(random, w, h);
            // FP16 products are mostly exact in floats, so code edges are rare there: FP32 only
            float[] nearCodeEdges = matrix == null || precision == Precision.FP16 ? noise
                    : nearCodeEdges(random, w, h, matrix);
            for (float[] values : new float[][] {noise, corners, nearCodeEdges}) {
                VideoFrame expected = blankFrame(format, w, h);
                cpu.fromPlanarRgb(values, 0, expected);
                VideoFrame actual = blankFrame(format, w, h);
                kernels.fromPlanarRgb(padded(values, precision, w, h), precision, rowStride(w), planeStride(w, h),
                        matrix, actual);
                assertSameBytes(expected, actual, what + (values == noise ? " noise"
                        : values == corners ? " cube corners" : " near code edges"));
            }
        }
    }

    private static int rowStride(int w) {
        return w + SRC_ROW_PAD;
    }

    private static int planeStride(int w, int h) {
        return rowStride(w) * h + SRC_PLANE_PAD;
    }

    /**
     * Random floats in [-0.25, 1.25], every 7th an exact code k / 255 or one next to a rounding tie
     * (k + 0.5) / 255, or a special value: NaN of both signs, infinities, -0, 1 and just above.
     */
    private static float[] randomFloats(Random random, int w, int h) {
        float[] specials = {Float.NaN, Float.intBitsToFloat(0xffc00000), Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, -0f, 1f, Math.nextUp(1f), Float.MIN_VALUE, -Float.MIN_VALUE};
        float[] values = new float[3 * w * h];
        for (int i = 0; i < values.length; i++) {
            int kind = random.nextInt(7);
            if (kind == 0) {
                values[i] = specials[random.nextInt(specials.length)];
            } else if (kind == 1) {
                float tie = (random.nextInt(255) + 0.5f) / 255f;
                float[] near = {tie, Math.nextDown(tie), Math.nextUp(tie), random.nextInt(256) / 255f};
                values[i] = near[random.nextInt(near.length)];
            } else {
                values[i] = random.nextFloat() * 1.5f - 0.25f;
            }
        }
        return values;
    }

    /** Random halves of both signs up to 2 in magnitude, every 50th an infinity, widened to floats. */
    private static float[] randomHalves(Random random, int w, int h) {
        float[] values = new float[3 * w * h];
        for (int i = 0; i < values.length; i++) {
            int sign = random.nextBoolean() ? 0x8000 : 0;
            values[i] = halfToFloat(sign | (random.nextInt(50) == 0 ? 0x7c00 : random.nextInt(0x4001)));
        }
        return values;
    }

    /**
     * Each 2x2 block one corner of the RGB cube, its channels pushed past 0 or 1 at random (-0.5,
     * 1.5), so that chroma reaches its extremes (a full-range Cb or Cr of 255.5 must become 255).
     */
    private static float[] cubeCorners(Random random, int w, int h) {
        float[] values = new float[3 * w * h];
        for (int i = 0; i < values.length; i++) {
            int y = i % (w * h) / w;
            int x = i % w;
            boolean on = ((((y >> 1) * 31 + (x >> 1)) * 7 + 3) >> (i / (w * h)) & 1) != 0;
            boolean beyond = random.nextInt(4) == 0;
            values[i] = on ? (beyond ? 1.5f : 1f) : (beyond ? -0.5f : 0f);
        }
        return values;
    }

    /**
     * Random floats in [0, 1] where, in each full 2x2 block, the float evaluation in
     * the CPU's order truncates to another code than the exact value does: for the block's first
     * luma, its Cb or its Cr in turn. A kernel that adds in another order or fuses a multiply-add
     * gets many of these codes wrong, where random values would almost never show it.
     */
    private static float[] nearCodeEdges(Random random, int w, int h, ColorMatrices.Encode m) {
        float[] values = new float[3 * w * h];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        float[] luma = {m.yR(), m.yG(), m.yB()};
        float[] cb = {m.cbR() * 0.25f, m.cbG() * 0.25f, m.cbB() * 0.25f};
        float[] cr = {m.crR() * 0.25f, m.crG() * 0.25f, m.crB() * 0.25f};
        int plane = w * h;
        for (int by = 0; by + 1 < h; by += 2) {
            for (int bx = 0; bx + 1 < w; bx += 2) {
                int target = (by / 2 * w + bx / 2) % 3;
                int[] at = {by * w + bx, by * w + bx + 1, (by + 1) * w + bx, (by + 1) * w + bx + 1};
                for (int tries = 0; tries < 3_000; tries++) {
                    for (int pixel : at) {
                        for (int c = 0; c < 3; c++) {
                            values[c * plane + pixel] = random.nextFloat();
                        }
                    }
                    float[] rgb = new float[3];
                    for (int c = 0; c < 3; c++) {
                        int o = c * plane;
                        rgb[c] = target == 0 ? values[o + at[0]]
                                : (values[o + at[0]] + values[o + at[1]]) + (values[o + at[2]] + values[o + at[3]]);
                    }
                    float[] k = target == 0 ? luma : target == 1 ? cb : cr;
                    if (truncatesElsewhere(k, rgb, target == 0 ? m.yOff() : 128.5f)) {
                        break;
                    }
                }
            }
        }
        return values;
    }

    /** Whether ((k0 v0 + k1 v1) + k2 v2) + offset in floats truncates to another integer than its exact value. */
    private static boolean truncatesElsewhere(float[] k, float[] v, float offset) {
        float inFloats = k[0] * v[0] + k[1] * v[1] + k[2] * v[2] + offset;
        double exact = (double) k[0] * v[0] + (double) k[1] * v[1] + (double) k[2] * v[2] + offset;
        return (int) inFloats != (int) Math.floor(exact);
    }

    /** The values in a padded source of FP32 or FP16 elements (FP16: each value must be a half exactly). */
    private static ByteBuffer padded(float[] values, Precision precision, int w, int h) {
        int elementBytes = precision == Precision.FP16 ? 2 : 4;
        ByteBuffer elements = paddedElements(w, h, elementBytes);
        for (int i = 0; i < values.length; i++) {
            int at = elementBytes * elementIndex(i, w, h);
            if (elementBytes == 4) {
                elements.putFloat(at, values[i]);
            } else {
                elements.putShort(at, (short) exactHalf(values[i]));
            }
        }
        return elements;
    }

    /** The bits of the binary16 equal to v (a half or an infinity). */
    private static int exactHalf(float v) {
        float magnitude = Math.abs(v);
        int bits = (Float.floatToRawIntBits(v) >>> 16 & 0x8000)
                | (Float.isInfinite(v) ? 0x7c00 : ColorToPlanarKernelTest.roundedHalf(magnitude));
        assertEquals(v, halfToFloat(bits), "test value " + v + " is not a half");
        return bits;
    }

    /** Where tight element i (channel, row, column) lies in the padded source. */
    private static int elementIndex(int i, int w, int h) {
        int c = i / (w * h);
        int y = i % (w * h) / w;
        int x = i % w;
        return c * planeStride(w, h) + y * rowStride(w) + x;
    }

    /** A padded source of 3 planes, every element 0.5 (which no gap must leak into the output). */
    private static ByteBuffer paddedElements(int w, int h, int elementBytes) {
        ByteBuffer elements = ByteBuffer.allocateDirect(3 * planeStride(w, h) * elementBytes)
                .order(ByteOrder.nativeOrder());
        for (int at = 0; at < elements.capacity(); at += elementBytes) {
            if (elementBytes == 2) {
                elements.putShort(at, (short) 0x3800);
            } else {
                elements.putFloat(at, 0.5f);
            }
        }
        return elements;
    }

    /** The exact value of a finite or infinite binary16 (no NaN). */
    static float halfToFloat(int bits) {
        float magnitude = (bits & 0x7c00) == 0x7c00 ? Float.POSITIVE_INFINITY
                : (float) ColorToPlanarKernelTest.halfValue(bits & 0x7fff);
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /** A frame in direct buffers with every row padded by FRAME_ROW_PAD bytes, all bytes FRAME_FILL. */
    private static VideoFrame blankFrame(PixelFormat format, int width, int height) {
        ByteBuffer[] planes = new ByteBuffer[format.planeCount()];
        int[] strides = new int[format.planeCount()];
        for (int p = 0; p < planes.length; p++) {
            strides[p] = format.planeWidth(p, width) * format.pixelStride(p) + FRAME_ROW_PAD;
            planes[p] = ByteBuffer.allocateDirect(strides[p] * format.planeHeight(p, height));
            for (int i = 0; i < planes[p].capacity(); i++) {
                planes[p].put(i, FRAME_FILL);
            }
        }
        return new VideoFrame(format, width, height, planes, strides);
    }

    /** Every byte of every plane equal, and the row padding still FRAME_FILL in the kernel's frame. */
    private static void assertSameBytes(VideoFrame expected, VideoFrame actual, String what) {
        PixelFormat format = expected.format();
        for (int p = 0; p < format.planeCount(); p++) {
            int rowBytes = format.planeWidth(p, expected.width()) * format.pixelStride(p);
            int stride = actual.stride(p);
            ByteBuffer want = expected.plane(p);
            ByteBuffer got = actual.plane(p);
            for (int at = 0; at < got.capacity(); at++) {
                int x = at % stride;
                if (x >= rowBytes) {
                    if (got.get(at) != FRAME_FILL) {
                        fail(what + ": kernel wrote into the row padding of plane " + p + " at byte " + at);
                    }
                } else if (got.get(at) != want.get(at)) {
                    fail(what + ": plane " + p + " row " + at / stride + " byte " + x + " is "
                            + (got.get(at) & 0xff) + ", the CPU converter writes " + (want.get(at) & 0xff));
                }
            }
        }
    }
}
