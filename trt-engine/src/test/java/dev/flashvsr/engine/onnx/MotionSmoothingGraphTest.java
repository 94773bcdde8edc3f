package dev.flashvsr.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.model.Luma;
import dev.flashvsr.engine.model.MotionSmoothing;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.weights.FloatTensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The smoothed graph on ONNX Runtime against the network alone, on frames whose answer is known. */
class MotionSmoothingGraphTest {
    private static final int SCALE = 4;
    private static final int H = 24;
    private static final int W = 28;
    private static final RecurrentSrArchitecture ARCH = new RecurrentSrArchitecture(SCALE, 8, 3, 2);
    private static final MotionSmoothing SMOOTHING = MotionSmoothing.DEFAULT;

    private record Step(float[] output, float[] state) {
    }

    private static Step run(Map<String, FloatTensor> weights, float[] current, float[] previous, float[] state)
            throws Exception {
        Map<String, Map.Entry<float[], long[]>> inputs = new HashMap<>();
        inputs.put(RecurrentSrArchitecture.INPUT_CURRENT, Map.entry(current, new long[] {1, 3, H, W}));
        inputs.put(RecurrentSrArchitecture.INPUT_PREVIOUS, Map.entry(previous, new long[] {1, 3, H, W}));
        inputs.put(RecurrentSrArchitecture.INPUT_HIDDEN, Map.entry(new float[2 * H * W], new long[] {1, 2, H, W}));
        Map<String, float[]> out;
        if (state == null) {
            out = OrtRunner.run(RecurrentSrGraph.build(ARCH, weights), inputs);
            return new Step(out.get(RecurrentSrArchitecture.OUTPUT_IMAGE), null);
        }
        inputs.put(MotionSmoothing.INPUT_STATE, Map.entry(state,
                new long[] {1, MotionSmoothing.stateChannels(SCALE), H, W}));
        out = OrtRunner.run(RecurrentSrGraph.build(ARCH, weights, SMOOTHING), inputs);
        return new Step(out.get(RecurrentSrArchitecture.OUTPUT_IMAGE), out.get(MotionSmoothing.OUTPUT_STATE));
    }

    private static float[] zeroState() {
        return new float[MotionSmoothing.stateChannels(SCALE) * H * W];
    }

    /** A smooth pattern moved by (vx, vy) low-res pixels, sampled at the low-res pixel centres. */
    private static float[] pattern(double vx, double vy) {
        float[] img = new float[3 * H * W];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double u = x + 0.5 - vx;
                    double v = y + 0.5 - vy;
                    img[(c * H + y) * W + x] = (float) (0.5 + 0.2 * Math.sin(2 * Math.PI * u / 9 + c)
                            + 0.15 * Math.cos(2 * Math.PI * v / 11) + 0.05 * Math.sin(2 * Math.PI * (u + v) / 5));
                }
            }
        }
        return img;
    }

    private static double luma(float[] rgb, int i, int plane) {
        return Luma.WEIGHTS[0] * rgb[i] + Luma.WEIGHTS[1] * rgb[plane + i] + Luma.WEIGHTS[2] * rgb[2 * plane + i];
    }

    private static double meanAbsDifference(float[] a, float[] b, int border) {
        double sum = 0;
        long n = 0;
        int hh = H * SCALE;
        int ww = W * SCALE;
        for (int c = 0; c < 3; c++) {
            for (int y = border; y < hh - border; y++) {
                for (int x = border; x < ww - border; x++) {
                    int i = (c * hh + y) * ww + x;
                    sum += Math.abs(a[i] - b[i]);
                    n++;
                }
            }
        }
        return sum / n;
    }

    @Test
    void firstFrameIsTheNetworkOutputAndRaisesTheFlag() throws Exception {
        Map<String, FloatTensor> weights = RecurrentSrGraphTest.randomWeights(ARCH, 7);
        float[] frame = pattern(0, 0);
        Step plain = run(weights, frame, frame, null);
        Step smoothed = run(weights, frame, frame, zeroState());
        assertEquals(0, meanAbsDifference(plain.output(), smoothed.output(), 0), 1e-7);
        int flagStart = (MotionSmoothing.stateChannels(SCALE) - 1) * H * W;
        for (int i = flagStart; i < smoothed.state().length; i++) {
            assertEquals(1f, smoothed.state()[i], "flag at " + i);
        }
    }

    @Test
    void stillPictureBlendsWithThePreviousOutputByMaxBlend() throws Exception {
        Map<String, FloatTensor> weights = RecurrentSrGraphTest.randomWeights(ARCH, 8);
        float[] frame = pattern(0, 0);
        float[] earlier = pattern(0.4, 0.2);
        Step first = run(weights, earlier, earlier, zeroState()); // state: that output, flag 1
        Step plain = run(weights, frame, frame, null);
        Step smoothed = run(weights, frame, frame, first.state());
        // no change between the low-res frames: flow 0, error 0, so the gate is maxBlend everywhere
        // and the luma change is maxBlend times the luma difference, the same on R, G and B
        int plane = H * SCALE * W * SCALE;
        double worst = 0;
        for (int i = 0; i < plane; i++) {
            double change = SMOOTHING.maxBlend() * (luma(first.output(), i, plane) - luma(plain.output(), i, plane));
            for (int c = 0; c < 3; c++) {
                double want = plain.output()[c * plane + i] + change;
                worst = Math.max(worst, Math.abs(want - smoothed.output()[c * plane + i]));
            }
        }
        assertTrue(worst < 1e-5, "max error " + worst);
    }

    @Test
    void sceneCutKeepsTheNewEstimate() throws Exception {
        Map<String, FloatTensor> weights = RecurrentSrGraphTest.randomWeights(ARCH, 9);
        Random random = new Random(3);
        float[] other = RecurrentSrGraphTest.randomImage(random, 3 * H * W, 0, 1);
        float[] frame = pattern(0, 0);
        Step before = run(weights, other, other, zeroState());
        Step plain = run(weights, frame, other, null);
        Step smoothed = run(weights, frame, other, before.state());
        double moved = meanAbsDifference(plain.output(), smoothed.output(), 0);
        double apart = meanAbsDifference(plain.output(), before.output(), 0);
        assertTrue(moved < 0.01 * apart, "output moved " + moved + " towards a previous output " + apart + " away");
    }

    @Test
    void previousOutputIsMovedAlongTheMotion() throws Exception {
        // With zero weights the network's output is the bicubic upscale, so the previous output,
        // moved by the true motion, is the current estimate (up to interpolation): a blend along
        // the measured motion leaves the estimate almost as it is, a blend in place would not.
        Map<String, FloatTensor> weights = new HashMap<>();
        RecurrentSrGraphTest.randomWeights(ARCH, 1).forEach((name, t) ->
                weights.put(name, FloatTensor.of(new float[t.data().length], t.shape())));
        float[] previous = pattern(0, 0);
        float[] current = pattern(0.3, -0.2);
        Step first = run(weights, previous, previous, zeroState());
        Step plain = run(weights, current, previous, null);
        Step smoothed = run(weights, current, previous, first.state());
        int border = SCALE * 4;
        double inPlace = SMOOTHING.maxBlend() * meanAbsDifference(first.output(), plain.output(), border);
        double alongMotion = meanAbsDifference(smoothed.output(), plain.output(), border);
        assertTrue(alongMotion < 0.15 * inPlace, "blend along the motion changed the estimate by " + alongMotion
                + ", a blend in place would by " + inPlace);
    }

    @Test
    void notOfferedWithATemporalGate() {
        RecurrentSrArchitecture gated = new RecurrentSrArchitecture(SCALE, 8, 3, 2, true);
        var e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentSrGraph.build(gated, RecurrentSrGraphTest.randomWeights(gated, 2), SMOOTHING));
        assertTrue(e.getMessage().contains("temporal gate"), e.getMessage());
    }

    @Test
    void receptiveRadiusCoversTheFlowWindowWarpAndErrorWindow() {
        // flow window 17: 8 + 1 for the central difference, then 1 for the error's 3x3 mean
        assertEquals(10, SMOOTHING.receptiveRadius());
        assertEquals(3, new MotionSmoothing(0.5f, 4, 3, 1, 0.5f, 1).receptiveRadius()); // warp reach 2, +1
        assertThrows(IllegalArgumentException.class, () -> new MotionSmoothing(1f, 4, 17, 1, 0.5f, 1));
        assertThrows(IllegalArgumentException.class, () -> new MotionSmoothing(0.5f, 4, 16, 1, 0.5f, 1));
    }
}
