package dev.flashvsr.engine.cuda;

import dev.flashvsr.engine.bicubic.FloatBicubic;
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
 * The bicubic kernel, compiled for the host, against {@link FloatBicubic}: FP32 outputs bit for
 * bit, FP16 outputs its float result rounded to the nearest half, FP16 inputs widened before
 * FloatBicubic sees them; scales 2 and 4, 1 and 3 channels, odd sizes, from and into padded
 * planes whose gaps must stay untouched (and, read by mistake, are NaN).
 */
class BicubicKernelTest {
    static final int[][] SIZES = {{1, 1}, {1, 5}, {6, 1}, {2, 2}, {7, 5}, {33, 17}};

    @TempDir
    static Path buildFolder;
    static HostKernelLibrary.BicubicKernels kernels;

    @BeforeAll
    static void buildKernels() throws Exception {
        kernels = HostKernelLibrary.buildBicubicKernels("g++", buildFolder);
    }

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int scale : new int[] {2, 4}) {
            for (int channels : new int[] {1, 3}) {
                for (boolean srcHalf : new boolean[] {false, true}) {
                    for (boolean dstHalf : new boolean[] {false, true}) {
                        cases.add(Arguments.of(scale, channels, srcHalf, dstHalf));
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "x{0}, {1} channels, fp16 in {2}, fp16 out {3}")
    @MethodSource("cases")
    void kernelEqualsFloatBicubic(int scale, int channels, boolean srcHalf, boolean dstHalf) {
        Random random = new Random(18L * scale + channels);
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            int n = channels * w * h;
            float[] unit = new float[n];
            float[] wide = new float[n];
            float[] steps = new float[n];
            for (int i = 0; i < n; i++) {
                unit[i] = -0.5f + 2 * random.nextFloat(); // beyond [0, 1], as model outputs and overshoot are
                // magnitudes from 2^-10 to 2^10 of both signs: each reordering or fusing of the sums rounds differently
                wide[i] = (random.nextBoolean() ? 1 : -1) * (float) Math.scalb(1 + random.nextFloat(), random.nextInt(21) - 10);
                int x = i % w;
                int y = i / w % h;
                steps[i] = ((x / 2 + y) & 1) == 0 ? 1f : 0f; // hard edges: the taps' overshoot, clamped edges
            }
            for (float[] input : new float[][] {unit, wide, steps}) {
                String what = "x" + scale + " " + channels + "ch " + w + "x" + h + (srcHalf ? " fp16" : " fp32")
                        + (dstHalf ? "->fp16" : "->fp32") + (input == unit ? " unit" : input == wide ? " wide" : " steps");
                StridedPlanes src = StridedPlanes.of(input, channels, w, h, srcHalf);
                StridedPlanes dst = new StridedPlanes(channels, scale * w, scale * h, dstHalf);
                kernels.host_bicubic_planar(src.pointer(), src.halfFlag(), src.rowStride, src.planeStride, w, h,
                        channels, scale, dst.pointer(), dst.halfFlag(), dst.rowStride, dst.planeStride);
                dst.assertHolds(FloatBicubic.upscale(src.values(), channels, h, w, scale), what);
                src.assertGapsUntouched(what + " (source)");
            }
        }
    }
}
