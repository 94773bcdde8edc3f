package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static Metrics.Plane constant(int w, int h, double v) {
        double[] values = new double[w * h];
        java.util.Arrays.fill(values, v);
        return new Metrics.Plane(values, w, h);
    }

    private static Metrics.Plane texture(int w, int h, long seed) {
        Random random = new Random(seed);
        double[] values = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                values[y * w + x] = 128 + 60 * Math.sin(x * 0.3) * Math.cos(y * 0.2) + random.nextInt(20);
            }
        }
        return new Metrics.Plane(values, w, h);
    }

    private static Metrics.Plane plus(Metrics.Plane p, double offset) {
        double[] v = p.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += offset;
        }
        return new Metrics.Plane(v, p.width(), p.height());
    }

    @Test
    void identicalPlanesHaveInfinitePsnrAndSsimOne() {
        Metrics.Plane a = texture(48, 40, 1);
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(a, a, 4));
        assertEquals(1.0, Metrics.ssim(a, a, 4), 1e-12);
    }

    @Test
    void constantOffsetOfOneGives48Point13Db() {
        Metrics.Plane a = texture(40, 30, 2);
        assertEquals(10 * Math.log10(255.0 * 255.0), Metrics.psnr(a, plus(a, 1), 2), 1e-9);
        assertEquals(48.13, Metrics.psnr(a, plus(a, 1), 2), 0.005);
        assertEquals(48.13, Metrics.psnr(a, plus(a, -1), 0), 0.005);
    }

    @Test
    void rgbOffsetOfOneIsALumaOffsetOf219Over255() {
        RgbImage a = RgbImage.filled(24, 24, 100, 120, 140);
        RgbImage b = RgbImage.filled(24, 24, 101, 121, 141);
        double expected = 20 * Math.log10(255 / (219.0 / 255));
        assertEquals(expected, Metrics.psnr(Metrics.Plane.luma(a), Metrics.Plane.luma(b), 4), 1e-9);
        assertEquals(49.46, expected, 0.01);
    }

    @Test
    void lumaIsBt601StudioRange() {
        assertEquals(16.0, RgbImage.filled(1, 1, 0, 0, 0).luma()[0], 1e-12);
        assertEquals(235.0, RgbImage.filled(1, 1, 255, 255, 255).luma()[0], 1e-9);
        assertEquals(16 + 65.481, RgbImage.filled(1, 1, 255, 0, 0).luma()[0], 1e-9);
        assertEquals(16 + 128.553, RgbImage.filled(1, 1, 0, 255, 0).luma()[0], 1e-9);
        assertEquals(16 + 24.966, RgbImage.filled(1, 1, 0, 0, 255).luma()[0], 1e-9);
    }

    @Test
    void noiseLowersSsimBelowOne() {
        Metrics.Plane a = texture(64, 64, 3);
        Random random = new Random(4);
        double[] noisy = a.values().clone();
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] += random.nextGaussian() * 8;
        }
        Metrics.Plane b = new Metrics.Plane(noisy, 64, 64);
        double s = Metrics.ssim(a, b, 4);
        assertTrue(s < 0.99 && s > 0.3, "SSIM with noise " + s);
        assertEquals(s, Metrics.ssim(b, a, 4), 1e-12, "SSIM is symmetric");
        double psnr = Metrics.psnr(a, b, 4);
        assertEquals(10 * Math.log10(255 * 255 / 64.0), psnr, 0.3, "PSNR of sigma-8 noise");
    }

    @Test
    void ssimOfTwoConstantPlanesIsTheLuminanceTerm() {
        // Zero variances: the contrast-structure term is C2 / C2 = 1.
        double c1 = (0.01 * 255) * (0.01 * 255);
        double expected = (2 * 100.0 * 110.0 + c1) / (100.0 * 100.0 + 110.0 * 110.0 + c1);
        assertEquals(expected, Metrics.ssim(constant(30, 30, 100), constant(30, 30, 110), 2), 1e-9);
    }

    @Test
    void ssimAgreesWithAnIndependentImplementation() {
        // Reference values from scikit-image 0.19 (Debian python3-skimage): structural_similarity(a, b,
        // data_range=255, gaussian_weights=True, sigma=1.5, use_sample_covariance=False), on the
        // same two planes, whole and with a 2-pixel border removed.
        int w = 40;
        int h = 32;
        double[] a = new double[w * h];
        double[] b = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                a[y * w + x] = 128 + 60 * Math.sin(0.3 * x) * Math.cos(0.2 * y) + ((x * 7 + y * 13) % 17);
                b[y * w + x] = a[y * w + x] + 10 * Math.sin(0.5 * x + 0.7 * y) + ((x * 3 + y * 5) % 5);
            }
        }
        Metrics.Plane pa = new Metrics.Plane(a, w, h);
        Metrics.Plane pb = new Metrics.Plane(b, w, h);
        assertEquals(0.9138478671010706, Metrics.ssim(pa, pb, 0), 1e-12);
        assertEquals(0.9145130241023686, Metrics.ssim(pa, pb, 2), 1e-12);
    }

    @Test
    void ssimWindowIsANormalisedGaussian() {
        double[] g = Metrics.gaussian(11, 1.5);
        assertEquals(1.0, java.util.Arrays.stream(g).sum(), 1e-12);
        assertEquals(g[0], g[10], 1e-15);
        assertEquals(Math.exp(-1 / (2 * 1.5 * 1.5)), g[6] / g[5], 1e-12);
    }

    @Test
    void theBorderIsLeftOut() {
        Metrics.Plane a = texture(32, 32, 5);
        double[] v = a.values().clone();
        for (int x = 0; x < 32; x++) {
            v[x] += 50;
            v[31 * 32 + x] -= 50;
            v[x * 32] += 30;
            v[x * 32 + 31] += 30;
        }
        Metrics.Plane b = new Metrics.Plane(v, 32, 32);
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(a, b, 1));
        assertEquals(1.0, Metrics.ssim(a, b, 1), 1e-12);
        assertTrue(Metrics.psnr(a, b, 0) < 40);
    }

    @Test
    void mismatchedSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.psnr(constant(8, 8, 1), constant(8, 9, 1), 0));
        assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(constant(12, 12, 1), constant(12, 12, 1), 1));
    }

    @Test
    void temporalErrorMeasuresFlickerAgainstTheTrueMotion() {
        Metrics.Plane still = texture(20, 20, 6);
        List<Metrics.Plane> truth = List.of(still, still, still, still);
        Metrics.Temporal same = Metrics.temporal(truth, truth, 2);
        assertEquals(0, same.error(), 0);
        assertEquals(0, same.matdOutput(), 0);
        assertEquals(0, same.matdTruth(), 0);

        // Output flickers by +-2 on a still scene: every frame pair changes by 4.
        List<Metrics.Plane> flicker = List.of(plus(still, 2), plus(still, -2), plus(still, 2), plus(still, -2));
        Metrics.Temporal t = Metrics.temporal(flicker, truth, 2);
        assertEquals(4, t.error(), 1e-9);
        assertEquals(4, t.matdOutput(), 1e-9);
        assertEquals(0, t.matdTruth(), 0);

        // A constant error (bias) has no temporal error: the changes are right.
        List<Metrics.Plane> moving = List.of(still, plus(still, 3), plus(still, 6));
        List<Metrics.Plane> biased = moving.stream().map(p -> plus(p, 5)).toList();
        Metrics.Temporal b = Metrics.temporal(biased, moving, 0);
        assertEquals(0, b.error(), 1e-9);
        assertEquals(3, b.matdOutput(), 1e-9);
        assertEquals(3, b.matdTruth(), 1e-9);

        // A frozen output misses the true motion.
        Metrics.Temporal frozen = Metrics.temporal(List.of(still, still, still), moving, 0);
        assertEquals(3, frozen.error(), 1e-9);
        assertTrue(Double.isNaN(Metrics.temporal(List.of(still), List.of(still), 0).error()));
    }
}
