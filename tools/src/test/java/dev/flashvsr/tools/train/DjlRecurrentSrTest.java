package dev.flashvsr.tools.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flashvsr.engine.bicubic.FloatBicubic;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.weights.FloatTensor;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The DJL network against a plain-Java reference of RecurrentSrArchitecture's forward pass. */
class DjlRecurrentSrTest {

    private static Map<String, FloatTensor> randomWeights(RecurrentSrArchitecture arch, long seed) {
        DjlRecurrentSr.Parameters p = DjlRecurrentSr.Parameters.initial(arch, new Random(seed), 0.5);
        Random r = new Random(seed + 1);
        for (float[] b : p.bias) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (r.nextGaussian() * 0.1);
            }
        }
        return p.toTensors();
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat();
        }
        return a;
    }

    static DjlRecurrentSr.Result reference(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights,
                                           float[] cur, float[] prev, float[] hid, int h, int w) {
        return JavaReference.forward(arch, weights, cur, prev, hid, new float[0], h, w);
    }

    @ParameterizedTest
    @CsvSource({"2, false", "4, false", "2, true", "4, true"})
    void matchesTheDocumentedForwardPass(int scale, boolean gate) {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(scale, 6, 3, 2, gate);
        int h = 5;
        int w = 7;
        Map<String, FloatTensor> weights = randomWeights(arch, 11 + scale);
        float[] cur = random(3 * h * w, 1);
        float[] prev = random(3 * h * w, 2);
        float[] hid = random(2 * h * w, 3);
        for (int i = 0; i < hid.length; i++) {
            hid[i] = 2 * hid[i] - 1;
        }
        float[] res = random(arch.residualStateChannels() * h * w, 4);
        DjlRecurrentSr.Result djl = DjlRecurrentSr.forward(arch, weights, cur, prev, hid, res, h, w);
        DjlRecurrentSr.Result ref = JavaReference.forward(arch, weights, cur, prev, hid, res, h, w);
        assertEquals(3 * h * w * scale * scale, djl.output().length);
        assertArrayEquals(ref.output(), djl.output(), 1e-4f);
        assertArrayEquals(ref.hiddenOut(), djl.hiddenOut(), 1e-5f);
        assertArrayEquals(ref.residualOut(), djl.residualOut(), 1e-4f);
        assertEquals(res.length, djl.residualOut().length);
    }

    /**
     * Ungated weights widened to a gate: the first frame is exactly the ungated network's, the
     * next one blends with it by sigmoid(GATE_START_BIAS).
     */
    @Test
    void widenedWeightsStartAsTheUngatedNetwork() {
        RecurrentSrArchitecture plain = new RecurrentSrArchitecture(4, 6, 3, 2);
        RecurrentSrArchitecture gated = new RecurrentSrArchitecture(4, 6, 3, 2, true);
        Map<String, FloatTensor> weights = randomWeights(plain, 8);
        Map<String, FloatTensor> widened = DjlRecurrentSr.Parameters.startingFrom(gated, weights).toTensors();
        float[] cur = random(3 * 5 * 6, 2);
        float[] next = random(3 * 5 * 6, 3);
        DjlRecurrentSr.Result a = DjlRecurrentSr.forward(plain, weights, cur, null, null, null, 5, 6);
        DjlRecurrentSr.Result b = DjlRecurrentSr.forward(gated, widened, cur, null, null, null, 5, 6);
        assertArrayEquals(a.output(), b.output(), 1e-6f);
        assertEquals(gated.residualStateChannels() * 5 * 6, b.residualOut().length);
        assertEquals(1f, b.residualOut()[b.residualOut().length - 1], "the flag is raised after a frame");
        float[] a2 = DjlRecurrentSr.forward(plain, weights, next, cur, a.hiddenOut(), null, 5, 6).output();
        float[] b2 = DjlRecurrentSr.forward(gated, widened, next, cur, b.hiddenOut(), b.residualOut(), 5, 6).output();
        double gate = 1 / (1 + Math.exp(-DjlRecurrentSr.Parameters.GATE_START_BIAS));
        for (int i = 0; i < a2.length; i++) {
            assertEquals(gate * a.output()[i] + (1 - gate) * a2[i], b2[i], 1e-5);
        }
    }

    /** The real size and width: 48x48 patches, 24 features (where a broken CPU convolution showed up). */
    @Test
    void matchesAtTrainingSize() {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(4, 24, 4, 4);
        int h = 48;
        int w = 40;
        Map<String, FloatTensor> weights = randomWeights(arch, 21);
        float[] cur = random(3 * h * w, 4);
        float[] prev = random(3 * h * w, 5);
        float[] hid = random(4 * h * w, 6);
        for (int rep = 0; rep < 2; rep++) {
            DjlRecurrentSr.Result djl = DjlRecurrentSr.forward(arch, weights, cur, prev, hid, null, h, w);
            DjlRecurrentSr.Result ref = reference(arch, weights, cur, prev, hid, h, w);
            assertArrayEquals(ref.output(), djl.output(), 1e-4f);
            assertArrayEquals(ref.hiddenOut(), djl.hiddenOut(), 1e-5f);
        }
    }

    @Test
    void nullPreviousIsCurrentAndNullHiddenIsZero() {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(2, 4, 2, 3);
        Map<String, FloatTensor> weights = randomWeights(arch, 5);
        float[] cur = random(3 * 4 * 6, 9);
        DjlRecurrentSr.Result a = DjlRecurrentSr.forward(arch, weights, cur, null, null, null, 4, 6);
        DjlRecurrentSr.Result b = DjlRecurrentSr.forward(arch, weights, cur, cur.clone(), new float[3 * 4 * 6], null, 4, 6);
        assertArrayEquals(b.output(), a.output(), 0f);
        assertArrayEquals(b.hiddenOut(), a.hiddenOut(), 0f);
    }

    @Test
    void zeroLastLayerIsExactlyBicubic() {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(4, 8, 4, 4);
        Map<String, FloatTensor> weights = randomWeights(arch, 3);
        Arrays.fill(weights.get("conv3.weight").data(), 0f);
        Arrays.fill(weights.get("conv3.bias").data(), 0f);
        float[] cur = random(3 * 6 * 5, 4);
        DjlRecurrentSr.Result r = DjlRecurrentSr.forward(arch, weights, cur, null, null, null, 6, 5);
        assertArrayEquals(FloatBicubic.upscale(cur, 3, 6, 5, 4), r.output(), 0f);
        assertArrayEquals(new float[4 * 6 * 5], r.hiddenOut(), 0f);
    }

    @Test
    void rejectsWrongWeightsAndSizes() {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(2, 4, 2, 1);
        Map<String, FloatTensor> weights = randomWeights(arch, 1);
        RecurrentSrArchitecture wider = new RecurrentSrArchitecture(2, 5, 2, 1);
        float[] cur = new float[3 * 2 * 2];
        assertThrows(IllegalArgumentException.class, () -> DjlRecurrentSr.forward(wider, weights, cur, null, null, null, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> DjlRecurrentSr.forward(arch, weights, cur, null, null, null, 2, 3));
    }
}
