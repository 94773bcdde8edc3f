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
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The colour-to-planar CUDA kernels, compiled for the host, against {@link ColorConverter}: every
 * FP32 output must be bit-identical, every FP16 output the CPU's float rounded to the nearest half
 * (ties to even), on random and gradient frames of odd and even sizes with padded source rows and
 * a padded destination (whose gaps must stay untouched).
 */
class ColorToPlanarKernelTest {
    static final int[][] SIZES = {{33, 17}, {1, 1}, {2, 3}, {5, 1}, {1, 6}, {37, 23}, {64, 48}};
    /** Destination gaps: a kernel writing outside its rows or planes overwrites these bytes. */
    static final int DST_ROW_PAD = 3;
    static final int DST_PLANE_PAD = 5;

    @TempDir
    static Path buildFolder;
    static KernelColorConversion kernels;

    @BeforeAll
    static void buildKernels() throws Exception {
        kernels = new KernelColorConversion(HostKernelLibrary.buildColorKernels("g++", buildFolder));
    }

    static List<Arguments> yuvCases() {
        List<Arguments> cases = new ArrayList<>();
        for (PixelFormat format : new PixelFormat[] {PixelFormat.NV12, PixelFormat.I420}) {
            for (Colorimetry.Matrix matrix : Colorimetry.Matrix.values()) {
                for (boolean fullRange : new boolean[] {false, true}) {
                    for (ChromaUpsampling upsampling : ChromaUpsampling.values()) {
                        for (Precision precision : new Precision[] {Precision.FP32, Precision.FP16}) {
                            cases.add(Arguments.of(format, new Colorimetry(matrix, fullRange), upsampling, precision));
                        }
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest
    @MethodSource("yuvCases")
    void yuvKernelEqualsCpuConverter(PixelFormat format, Colorimetry colorimetry, ChromaUpsampling upsampling,
            Precision precision) {
        try (ColorConverter cpu = new ColorConverter(colorimetry, upsampling, 1)) {
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
    void halfReferenceRoundsTiesToEvenAndSubnormals() {
        // 1 + 2^-11 lies halfway between the halves 1 and 1 + 2^-10: ties go to the even one, 1
        assertEquals(0x3c00, roundedHalf(1f + 0x1p-11f));
        assertEquals(0x3c01, roundedHalf(Math.nextUp(1f + 0x1p-11f)));
        assertEquals(0x0001, roundedHalf(0x1p-24f)); // the smallest subnormal
        assertEquals(0x0000, roundedHalf(0x1p-25f)); // halfway to it: even 0
        assertEquals(0x0400, roundedHalf(0x1p-14f)); // the smallest normal
    }

    @Test
    void kernelHalfRoundingEqualsTheReferenceOnEveryHalfAndMidpointInTheUnitRange() {
        for (int h = 0; h < 0x3c00; h++) {
            float exact = (float) halfValue(h);
            float midpoint = (float) ((halfValue(h) + halfValue(h + 1)) / 2); // exact: 12 significant bits
            for (float v : new float[] {exact, midpoint, Math.nextDown(midpoint), Math.nextUp(midpoint)}) {
                assertEquals(roundedHalf(v), kernels.halfBits(v), "half of " + v);
            }
        }
        assertEquals(0x3c00, kernels.halfBits(1f));
    }

    @Test
    void anUnsupportedPrecisionIsRefused() {
        VideoFrame frame = frame(PixelFormat.RGB, 2, 2, 0, p -> 0);
        ByteBuffer dst = ByteBuffer.allocateDirect(64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernels.toPlanarRgb(frame, null, ChromaUpsampling.NEAREST, dst, Precision.INT8, 2, 4));
        assertTrue(e.getMessage().contains("int8"), e.getMessage());
    }

    @Test
    void missingCompilerFailsWithInstallAdvice(@TempDir Path folder) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> HostKernelLibrary.buildColorKernels("flashvsr-no-such-g++", folder));
        assertTrue(e.getMessage().contains("scripts/install-deps.sh"), e.getMessage());
    }

    private static void assertKernelEqualsCpu(PixelFormat format, ColorConverter cpu, Precision precision) {
        Random random = new Random(18);
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            VideoFrame noise = frame(format, w, h, 7, p -> random.nextInt(256));
            VideoFrame gradient = frame(format, w, h, 4, null);
            for (VideoFrame f : new VideoFrame[] {noise, gradient}) {
                float[] expected = new float[3 * w * h];
                cpu.toPlanarRgb(f, expected, 0);
                ByteBuffer actual = runKernel(f, cpu, precision);
                assertSameValues(expected, actual, precision, w, h, format + " " + precision + " " + w + "x" + h + " "
                        + cpu.colorimetry() + " " + cpu.chromaUpsampling() + (f == noise ? " noise" : " gradient"));
            }
        }
    }

    /** Runs the kernel into a padded destination (planes of (w + DST_ROW_PAD) x h, then DST_PLANE_PAD), filled with 0xff. */
    private static ByteBuffer runKernel(VideoFrame f, ColorConverter cpu, Precision precision) {
        int rowStride = f.width() + DST_ROW_PAD;
        int planeStride = rowStride * f.height() + DST_PLANE_PAD;
        ByteBuffer dst = ByteBuffer.allocateDirect(3 * planeStride * elementBytes(precision))
                .order(ByteOrder.nativeOrder());
        for (int i = 0; i < dst.capacity(); i++) {
            dst.put(i, (byte) 0xff);
        }
        ColorMatrices.Decode matrix = f.format().isYuv()
                ? ColorMatrices.Decode.of(cpu.coefficientsFor(f.height()))
                : null;
        kernels.toPlanarRgb(f, matrix, cpu.chromaUpsampling(), dst, precision, rowStride, planeStride);
        return dst;
    }

    private static int elementBytes(Precision precision) {
        return precision == Precision.FP16 ? 2 : 4;
    }

    /**
     * Compares the tight CPU planes with the padded kernel planes (FP32: same bits; FP16: the CPU's
     * float rounded to the nearest half), and checks that the padding kept its 0xff bytes.
     */
    private static void assertSameValues(float[] expected, ByteBuffer padded, Precision precision, int w, int h,
            String what) {
        int rowStride = w + DST_ROW_PAD;
        int planeStride = rowStride * h + DST_PLANE_PAD;
        int bytes = elementBytes(precision);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < rowStride; x++) {
                    int at = (c * planeStride + y * rowStride + x) * bytes;
                    int got = bytes == 2 ? padded.getShort(at) & 0xffff : padded.getInt(at);
                    if (x >= w) {
                        if (got != (bytes == 2 ? 0xffff : -1)) {
                            fail(what + ": kernel wrote into the row padding at channel " + c + " (" + x + ", " + y + ")");
                        }
                        continue;
                    }
                    float want = expected[c * w * h + y * w + x];
                    int wantBits = bytes == 2 ? roundedHalf(want) : Float.floatToIntBits(want);
                    if (got != wantBits) {
                        fail(what + ": channel " + c + " pixel (" + x + ", " + y + ") is 0x" + Integer.toHexString(got)
                                + ", the CPU converter gives " + want + " (0x" + Integer.toHexString(wantBits) + ")");
                    }
                }
            }
            for (int k = 0; k < DST_PLANE_PAD; k++) {
                int at = (c * planeStride + h * rowStride + k) * bytes;
                if (padded.get(at) != (byte) 0xff) {
                    fail(what + ": kernel wrote into the plane padding of channel " + c);
                }
            }
        }
    }

    /**
     * The binary16 nearest to a non-negative float, ties to the even one, found by searching the
     * halves by value (Java 17 has no float-to-half conversion), so it does not share the kernel's
     * bit manipulation.
     */
    static int roundedHalf(float v) {
        int low = 0;
        int high = 0x7bff; // the largest finite half; values here are at most 1
        while (low < high) { // the largest half <= v
            int mid = (low + high + 1) >>> 1;
            if (halfValue(mid) <= v) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        if (low == 0x7bff || halfValue(low) == v) {
            return low;
        }
        double below = v - halfValue(low);
        double above = halfValue(low + 1) - v;
        return below < above || (below == above && (low & 1) == 0) ? low : low + 1;
    }

    /** The exact value of a non-negative binary16. */
    static double halfValue(int bits) {
        int exponent = bits >> 10;
        int mantissa = bits & 0x3ff;
        return exponent == 0 ? mantissa * 0x1p-24 : (1024 + mantissa) * Math.pow(2, exponent - 25);
    }

    /**
     * A frame in direct buffers with rows padded by {@code pad} bytes (filled with 0x5a), holding
     * {@code sample.applyAsInt(plane)} per sample, or a diagonal gradient per channel when it is null.
     */
    private static VideoFrame frame(PixelFormat format, int width, int height, int pad, IntUnaryOperator sample) {
        ByteBuffer[] planes = new ByteBuffer[format.planeCount()];
        int[] strides = new int[format.planeCount()];
        for (int p = 0; p < planes.length; p++) {
            int pw = format.planeWidth(p, width);
            int ph = format.planeHeight(p, height);
            int bytes = format.pixelStride(p);
            strides[p] = pw * bytes + pad;
            planes[p] = ByteBuffer.allocateDirect(strides[p] * ph);
            for (int i = 0; i < planes[p].capacity(); i++) {
                planes[p].put(i, (byte) 0x5a);
            }
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    for (int c = 0; c < bytes; c++) {
                        int value = sample != null ? sample.applyAsInt(p)
                                : (255 * (x + y) / Math.max(1, pw + ph - 2) + 60 * (p + c)) % 256;
                        planes[p].put(y * strides[p] + x * bytes + c, (byte) value);
                    }
                }
            }
        }
        return new VideoFrame(format, width, height, planes, strides);
    }
}
