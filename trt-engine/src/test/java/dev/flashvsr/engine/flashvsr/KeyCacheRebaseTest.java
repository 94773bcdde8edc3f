package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.cache.BuildCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebasing the temporal RoPE positions (what lets a stream run past the 1,024-entry table) leaves
 * the output unchanged: the same stream with rebases every few chunks equals the plain run.
 */
class KeyCacheRebaseTest {
    @TempDir
    Path dir;

    @Test
    void rebasedStreamEqualsThePlainOne() throws Exception {
        Path release = GoldenData.root().resolve("release-layout");
        Path pkgDir = dir.resolve("pkg");
        FlashVsrImport.run(release, pkgDir, new FlashVsrImport.Settings("tiny", false, null, null, null), line -> { });
        BuildCache cache = new BuildCache(dir.resolve("cache"), warning -> { });
        // one graph set per stream: the graphs hold their stream's state
        try (FlashVsrPackage pkg = FlashVsrPackage.open(pkgDir);
                FlashVsrGraphs plainGraphs = FlashVsrGraphs.open(pkg, 256, 128, pkg.attention(),
                        GraphPrecision.of(Precision.FP32, pkg), 2, cache, OpenProgress.NONE);
                FlashVsrGraphs rebasedGraphs = FlashVsrGraphs.open(pkg, 256, 128, pkg.attention(),
                        GraphPrecision.of(Precision.FP32, pkg), 2, cache, OpenProgress.NONE)) {
            int latentChannels = pkg.config().dit().inDim();
            FlashVsrStream plain = new FlashVsrStream(plainGraphs, LatentNoise.generated(3, latentChannels, 16, 32),
                    null);
            FlashVsrStream rebased = new FlashVsrStream(rebasedGraphs,
                    LatentNoise.generated(3, latentChannels, 16, 32), null);
            rebased.rebaseBelow(10); // positions 10 and up are moved down: chunks 3 and 5 rebase
            Random random = new Random(11);
            int frames = ChunkSchedule.inputsFor(5);
            List<float[]> a = new ArrayList<>();
            List<float[]> b = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                float[] frame = new float[3 * 128 * 256];
                for (int j = 0; j < frame.length; j++) {
                    frame[j] = (float) Math.sin(0.01 * j + 0.3 * i) * 0.8f + 0.1f * (random.nextFloat() - 0.5f);
                }
                collect(plain.push(frame.clone()), a);
                collect(rebased.push(frame), b);
            }
            assertEquals(ChunkSchedule.outputEnd(5), a.size());
            assertEquals(a.size(), b.size());
            double worst = 0;
            double changeAcrossFrames = 0;
            for (int f = 0; f < a.size(); f++) {
                for (int j = 0; j < a.get(f).length; j++) {
                    worst = Math.max(worst, Math.abs(a.get(f)[j] - b.get(f)[j]));
                    if (f > 0) {
                        changeAcrossFrames = Math.max(changeAcrossFrames, Math.abs(a.get(f)[j] - a.get(f - 1)[j]));
                    }
                }
            }
            System.out.printf("RoPE rebase: max |plain - rebased| = %.2e over %d frames%n", worst, a.size());
            assertTrue(worst < 1e-4, "rebased output differs by " + worst);
            assertTrue(changeAcrossFrames > 1e-2, "the frames differ, so the test can see a wrong rebase");
        }
    }

    private static void collect(FlashVsrStream.Chunk chunk, List<float[]> out) {
        if (chunk != null) {
            out.addAll(chunk.frames());
        }
    }
}
