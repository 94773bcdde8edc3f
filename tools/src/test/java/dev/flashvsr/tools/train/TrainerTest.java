package dev.flashvsr.tools.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Training steps on tiny synthetic data, and the data pipeline's building blocks. */
class TrainerTest {

    /** A textured test image: edges, stripes of several frequencies and a bit of noise. */
    static RgbImage texture(int h, int w, long seed) {
        Random r = new Random(seed);
        float[] d = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0.5 + 0.25 * Math.sin(x * 0.9 + y * 0.3) + 0.15 * Math.signum(Math.sin(y * 0.21 - x * 0.05))
                        + 0.05 * r.nextGaussian();
                for (int c = 0; c < 3; c++) {
                    d[(c * h + y) * w + x] = (float) Math.min(1, Math.max(0, v * (0.8 + 0.1 * c)));
                }
            }
        }
        return new RgbImage(d, h, w);
    }

    @Test
    void trainingStepsReduceTheLoss() {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(2, 8, 3, 2);
        ClipSampler sampler = new ClipSampler(List.of(texture(160, 200, 1)), 2, 16, 2, 7);
        ClipSampler.Batch[] batches = {sampler.next(4), sampler.next(4)};
        Engine engine = DjlRecurrentSr.engine(2);
        DjlRecurrentSr.Parameters p = DjlRecurrentSr.Parameters.initial(arch, new Random(3), 1e-3);
        Trainer.Adam adam = new Trainer.Adam(p);
        float before = Trainer.evaluate(engine, arch, p, batches[0], 0.5) + Trainer.evaluate(engine, arch, p, batches[1], 0.5);
        for (int i = 0; i < 40; i++) {
            Trainer.step(engine, arch, p, batches[i % 2], adam, 3e-3, 0.5, false);
        }
        float after = Trainer.evaluate(engine, arch, p, batches[0], 0.5) + Trainer.evaluate(engine, arch, p, batches[1], 0.5);
        assertTrue(after < 0.9f * before, "loss " + before + " -> " + after);
    }

    @Test
    void flickerTermAddsTheChangeOfTheErrorBetweenFrames() {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(2, 8, 3, 2);
        ClipSampler.Batch batch = new ClipSampler(List.of(texture(160, 200, 4)), 2, 16, 2, 9).next(2);
        Engine engine = DjlRecurrentSr.engine(2);
        DjlRecurrentSr.Parameters p = DjlRecurrentSr.Parameters.initial(arch, new Random(5), 1e-3);
        float plain = Trainer.evaluate(engine, arch, p, batch, 0);
        float withFlicker = Trainer.evaluate(engine, arch, p, batch, 1);
        assertTrue(withFlicker > plain, plain + " vs " + withFlicker);
    }

    @Test
    void gateOnlyStepsChangeTheGateChannelsAlone() {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(2, 8, 3, 2, true);
        ClipSampler.Batch batch = new ClipSampler(List.of(texture(160, 200, 6)), 2, 16, 3, 11).next(4);
        Engine engine = DjlRecurrentSr.engine(2);
        DjlRecurrentSr.Parameters p = DjlRecurrentSr.Parameters.initial(arch, new Random(8), 0.1);
        float[][] weightsBefore = deepCopy(p.weight);
        float[][] biasesBefore = deepCopy(p.bias);
        Trainer.Adam adam = new Trainer.Adam(p);
        for (int i = 0; i < 3; i++) {
            Trainer.step(engine, arch, p, batch, adam, 1e-2, 0.5, true);
        }
        int last = arch.layers() - 1;
        int gateFrom = arch.firstGateChannel();
        int perChannel = arch.convIn(last) * 9;
        for (int i = 0; i < last; i++) {
            assertArrayEquals(weightsBefore[i], p.weight[i], 0f, "weights of layer " + i);
            assertArrayEquals(biasesBefore[i], p.bias[i], 0f, "biases of layer " + i);
        }
        int split = gateFrom * perChannel;
        assertArrayEquals(Arrays.copyOf(weightsBefore[last], split), Arrays.copyOf(p.weight[last], split),
                0f, "residual and hidden weights of the last layer");
        assertArrayEquals(Arrays.copyOf(biasesBefore[last], gateFrom), Arrays.copyOf(p.bias[last], gateFrom),
                0f, "residual and hidden biases of the last layer");
        for (int c = gateFrom; c < arch.convOut(last); c++) {
            assertTrue(p.bias[last][c] != biasesBefore[last][c], "gate bias " + c + " learned nothing");
        }
    }

    private static float[][] deepCopy(float[][] arrays) {
        float[][] copy = new float[arrays.length][];
        for (int i = 0; i < arrays.length; i++) {
            copy[i] = arrays[i].clone();
        }
        return copy;
    }

    /** Garbage gradients are not applied: one would overflow Adam's second moment for good. */
    @Test
    void implausibleGradientsAreRejected() {
        assertTrue(Trainer.plausible(new float[][] {{0.05f, -0.2f}, {9f}}));
        assertFalse(Trainer.plausible(new float[][] {{0.05f}, {1e20f}}));
        assertFalse(Trainer.plausible(new float[][] {{-1e25f}}));
        assertFalse(Trainer.plausible(new float[][] {{Float.NaN}}));
        assertFalse(Trainer.plausible(new float[][] {{Float.POSITIVE_INFINITY}}));
    }

    @Test
    void samplerIsReproducible() {
        List<RgbImage> pool = List.of(texture(120, 130, 2));
        ClipSampler.Batch a = new ClipSampler(pool, 4, 8, 3, 42).next(2);
        ClipSampler.Batch b = new ClipSampler(pool, 4, 8, 3, 42).next(2);
        assertEquals(3, a.frames());
        for (int t = 0; t < 3; t++) {
            assertArrayEquals(a.lowRes()[t], b.lowRes()[t], 0f);
            assertArrayEquals(a.residualTarget()[t], b.residualTarget()[t], 0f);
            assertEquals(2 * 3 * 8 * 8, a.lowRes()[t].length);
            assertEquals(2 * 3 * 32 * 32, a.residualTarget()[t].length);
        }
    }

    @Test
    void areaResizeAveragesAndCubicKeepsConstants() {
        float[] src = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        float[] area = Resample.resize(src, 1, 4, 4, 2, 2, Resample.Filter.AREA);
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, area, 1e-6f);
        float[] flat = new float[3 * 12 * 16];
        Arrays.fill(flat, 0.3f);
        float[] cubic = Resample.resize(flat, 3, 12, 16, 3, 4, Resample.Filter.CUBIC);
        for (float v : cubic) {
            assertEquals(0.3f, v, 1e-6f);
        }
    }

    @Test
    void integerWarpIsAnExactCrop() {
        RgbImage img = texture(40, 50, 5);
        // centre (20.5, 10.5) of an 8x8 view: pixels 17..24 x 7..14
        RgbImage warped = Resample.warp(img, 8, 8, 20.5, 10.5, 1, 0, 0, 1);
        assertArrayEquals(img.crop(7, 17, 8, 8).data(), warped.data(), 1e-6f);
    }

    @Test
    void psnrOfKnownError() {
        RgbImage truth = new RgbImage(new float[3 * 10 * 10], 10, 10);
        float[] out = new float[3 * 10 * 10];
        Arrays.fill(out, 1f / 255);
        // Y difference = (65.481 + 128.553 + 24.966) / 255 = 219/255 of one step
        double expected = 10 * Math.log10(255.0 * 255.0 / Math.pow(219.0 / 255, 2));
        assertEquals(expected, Validator.psnrY(out, truth, 2), 1e-5);
    }
}
