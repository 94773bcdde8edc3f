package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
 * output float must be bit-identical, on random and gradient frames of odd and even sizes with
 * padded source rows and a padded destination (whose gaps must stay untouched).
 */
class ColorToPlanarKernelTest {
    static final int[][] SIZES = {{33, 17}, {1, 1}, {2, 3}, {5, 1}, {1, 6}, {37, 23}, {64, 48}};
    /** Destination gaps: a kernel writing outside its rows or planes overwrites these NaNs. */
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
                        cases.add(Arguments.of(format, new Colorimetry(matrix, fullRange), upsampling));
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest
    @MethodSource("yuvCases")
    void yuvKernelEqualsCpuConverter(PixelFormat format, Colorimetry colorimetry, ChromaUpsampling upsampling) {
        try (ColorConverter cpu = new ColorConverter(colorimetry, upsampling, 1)) {
            assertKernelEqualsCpu(format, cpu);
        }
    }

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = {"RGB", "BGR", "RGBA", "BGRA", "RGBX", "BGRX"})
    void packedRgbKernelEqualsCpuConverter(PixelFormat format) {
        try (ColorConverter cpu = new ColorConverter(new Colorimetry(Colorimetry.Matrix.RGB, true))) {
            assertKernelEqualsCpu(format, cpu);
        }
    }

    @Test
    void missingCompilerFailsWithInstallAdvice(@TempDir Path folder) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> HostKernelLibrary.buildColorKernels("flashvsr-no-such-g++", folder));
        assertTrue(e.getMessage().contains("scripts/install-deps.sh"), e.getMessage());
    }

    private static void assertKernelEqualsCpu(PixelFormat format, ColorConverter cpu) {
        Random random = new Random(18);
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            VideoFrame noise = frame(format, w, h, 7, p -> random.nextInt(256));
            VideoFrame gradient = frame(format, w, h, 4, null);
            for (VideoFrame f : new VideoFrame[] {noise, gradient}) {
                float[] expected = new float[3 * w * h];
                cpu.toPlanarRgb(f, expected, 0);
                float[] actual = runKernel(f, cpu, cpu.chromaUpsampling(), w);
                assertSameFloats(expected, actual, w, h,
                        format + " " + w + "x" + h + " " + cpu.colorimetry() + " " + cpu.chromaUpsampling()
                                + (f == noise ? " noise" : " gradient"));
            }
        }
    }

    /** Runs the kernel into a padded destination; returns it whole (planes of (w + DST_ROW_PAD) x h, then DST_PLANE_PAD). */
    private static float[] runKernel(VideoFrame f, ColorConverter cpu, ChromaUpsampling upsampling, int w) {
        int rowStride = w + DST_ROW_PAD;
        int planeStride = rowStride * f.height() + DST_PLANE_PAD;
        FloatBuffer dst = ByteBuffer.allocateDirect(3 * planeStride * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (int i = 0; i < dst.capacity(); i++) {
            dst.put(i, Float.NaN);
        }
        KernelColorConversion.MatrixParameters matrix = f.format().isYuv()
                ? KernelColorConversion.MatrixParameters.of(cpu.coefficientsFor(f.height()))
                : null;
        kernels.toPlanarRgb(f, matrix, upsampling, dst, rowStride, planeStride);
        float[] all = new float[dst.capacity()];
        dst.get(0, all);
        return all;
    }

    /** Compares the tight CPU planes with the padded kernel planes, and checks the padding kept its NaNs. */
    private static void assertSameFloats(float[] expected, float[] padded, int w, int h, String what) {
        int rowStride = w + DST_ROW_PAD;
        int planeStride = rowStride * h + DST_PLANE_PAD;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < rowStride; x++) {
                    float got = padded[c * planeStride + y * rowStride + x];
                    if (x >= w) {
                        if (!Float.isNaN(got)) {
                            fail(what + ": kernel wrote into the row padding at channel " + c + " (" + x + ", " + y + ")");
                        }
                        continue;
                    }
                    float want = expected[c * w * h + y * w + x];
                    if (Float.floatToIntBits(want) != Float.floatToIntBits(got)) {
                        fail(what + ": channel " + c + " pixel (" + x + ", " + y + ") is " + got + ", the CPU converter"
                                + " gives " + want);
                    }
                }
            }
            for (int k = 0; k < DST_PLANE_PAD; k++) {
                if (!Float.isNaN(padded[c * planeStride + h * rowStride + k])) {
                    fail(what + ": kernel wrote into the plane padding of channel " + c);
                }
            }
        }
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
