package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.SpecialFiles;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatentNoiseTest {
    @TempDir
    Path dir;

    @Test
    void generatedNoiseIsStandardNormalAndDependsOnlyOnSeedAndFrame() throws Exception {
        LatentNoise noise = LatentNoise.generated(7, 16, 32, 48);
        float[] a = new float[16 * 32 * 48];
        float[] b = new float[a.length];
        noise.frame(3, a, 0);
        LatentNoise.generated(7, 16, 32, 48).frame(3, b, 0);
        assertArrayEquals(a, b, 0f);
        LatentNoise.generated(7, 16, 32, 48).frame(4, b, 0);
        assertFalse(Arrays.equals(a, b));
        LatentNoise.generated(8, 16, 32, 48).frame(3, b, 0);
        assertFalse(Arrays.equals(a, b));
        double mean = 0;
        double square = 0;
        for (float v : a) {
            mean += v;
            square += v * v;
        }
        mean /= a.length;
        double variance = square / a.length - mean * mean;
        assertEquals(0, mean, 0.03);
        assertEquals(1, variance, 0.05);
        assertEquals(0, noise.fileFrames());
    }

    @Test
    void aNoiseFileGivesItsFramesThenGeneratedNoiseAndRefusesWrongShapes() throws Exception {
        int c = 2;
        int t = 3;
        int h = 2;
        int w = 4;
        float[] data = new float[c * t * h * w];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        Path file = dir.resolve("noise.safetensors");
        SafeTensors.write(file, Map.of("noise", FloatTensor.of(data, 1, c, t, h, w)), Map.of());
        try (LatentNoise noise = LatentNoise.fromFile(file, 5, c, h, w)) {
            assertEquals(3, noise.fileFrames());
            float[] frame = new float[c * h * w];
            noise.frame(1, frame, 0);
            // channel 0 of latent frame 1 starts at (0*T + 1)*h*w, channel 1 at (1*T + 1)*h*w
            assertEquals(8, frame[0]);
            assertEquals(32, frame[8]);
            // past the file: the generated noise of the same seed and frame
            noise.frame(3, frame, 0);
            float[] generated = new float[frame.length];
            LatentNoise.generated(5, c, h, w).frame(3, generated, 0);
            assertArrayEquals(generated, frame, 0f);
            assertTrue(noise.describeFallback().contains("holds 3 latent frames"), noise.describeFallback());
            assertTrue(noise.describeFallback().contains("seed 5"), noise.describeFallback());
        }
        EngineException shape = assertThrows(EngineException.class, () -> LatentNoise.fromFile(file, 0, c, h, 8));
        assertTrue(shape.getMessage().contains("[1, 2, T, 2, 8]"), shape.getMessage());
        SafeTensors.write(dir.resolve("other.safetensors"), Map.of("x", FloatTensor.of(data, data.length)), Map.of());
        assertThrows(EngineException.class, () -> LatentNoise.fromFile(dir.resolve("other.safetensors"), 0, c, h, w));
        assertThrows(EngineException.class, () -> LatentNoise.fromFile(dir.resolve("missing.safetensors"), 0, c, h, w));
    }

    @Test
    void aNoiseFileWithANonFiniteValueIsRefusedNamingTheFrame() throws Exception {
        float[] data = new float[2 * 3 * 2 * 4];
        data[2 * 8 + 5] = Float.NaN; // channel 0, latent frame 2
        Path file = dir.resolve("nan.safetensors");
        SafeTensors.write(file, Map.of("noise", FloatTensor.of(data, 1, 2, 3, 2, 4)), Map.of());
        EngineException e = assertThrows(EngineException.class, () -> LatentNoise.fromFile(file, 0, 2, 2, 4));
        assertTrue(e.getMessage().contains("non-finite value") && e.getMessage().contains("latent frame 2"),
                e.getMessage());
        java.util.Arrays.fill(data, Float.NEGATIVE_INFINITY);
        SafeTensors.write(file, Map.of("noise", FloatTensor.of(data, 1, 2, 3, 2, 4)), Map.of());
        assertThrows(EngineException.class, () -> LatentNoise.fromFile(file, 0, 2, 2, 4));
    }

    @Test
    void aFifoAsNoiseFileIsRefusedWithoutBlocking() throws Exception {
        Path fifo = SpecialFiles.fifo(dir.resolve("noise.fifo"));
        EngineException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> assertThrows(EngineException.class, () -> LatentNoise.fromFile(fifo, 0, 2, 2, 4)));
        assertTrue(e.getMessage().contains("FIFO") && e.getMessage().contains(fifo.toString()), e.getMessage());
    }
}
