package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.memory.MachineMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlashVsrMemoryTest {
    @TempDir
    Path dir;

    private Path tinyPackage() throws EngineException {
        Path pkg = dir.resolve("pkg");
        FlashVsrImport.run(GoldenData.root().resolve("release-layout"), pkg,
                new FlashVsrImport.Settings("tiny", false, null, null, null), line -> { });
        return pkg;
    }

    @Test
    void theEstimateGrowsWithTheFrameAndCountsTheWeightsOnce() throws Exception {
        try (FlashVsrPackage pkg = FlashVsrPackage.open(tinyPackage())) {
            FlashVsrMemory small = FlashVsrMemory.of(pkg, 128, 128);
            FlashVsrMemory large = FlashVsrMemory.of(pkg, 1280, 768);
            assertTrue(small.weights() > 0 && small.weights() == large.weights());
            assertTrue(large.working() > 10 * (small.working() - (600L << 20)), large + " vs " + small);
            assertTrue(large.heap() > 10 * (small.heap() - (256L << 20)) && large.heap() < large.working());
            long files = 0;
            for (String file : new String[] {"diffusion_pytorch_model_streaming_dmd.safetensors", "LQ_proj_in.ckpt",
                "TCDecoder.ckpt"}) {
                files += Files.size(pkg.folder().resolve(file));
            }
            // The BF16 projector doubles as float32; nothing else is counted twice.
            assertTrue(small.weights() < 2 * files, "weights " + small.weights() + ", files " + files);
        }
    }

    @Test
    void reducedPrecisionsNeedLessWeightMemoryAndTheSameWorkingMemory() throws Exception {
        try (FlashVsrPackage pkg = FlashVsrPackage.open(tinyPackage())) {
            FlashVsrMemory fp32 = FlashVsrMemory.of(pkg, 256, 128, Precision.FP32);
            FlashVsrMemory fp16 = FlashVsrMemory.of(pkg, 256, 128, Precision.FP16);
            FlashVsrMemory int8 = FlashVsrMemory.of(pkg, 256, 128, Precision.INT8);
            assertEquals(fp32, FlashVsrMemory.of(pkg, 256, 128));
            assertTrue(fp16.weights() < fp32.weights() && int8.weights() < fp32.weights(),
                    fp32 + " / " + fp16 + " / " + int8);
            assertEquals(fp32.working(), fp16.working());
            assertEquals(fp32.working(), int8.working());
        }
    }

    @Test
    void aStreamWhoseStateDoesNotFitTheJavaHeapIsRefusedNamingTheSetting() throws Exception {
        try (FlashVsrPackage pkg = FlashVsrPackage.open(tinyPackage())) {
            FlashVsrMemory need = FlashVsrMemory.of(pkg, 1280, 768);
            EngineException e = assertThrows(EngineException.class, () -> need.check(
                    new MachineMemory(64L << 30, 64L << 30, "test"), 64L << 20, "FlashVSR at 1280x768"));
            assertTrue(e.getMessage().contains("of Java heap") && e.getMessage().contains("only 64.0 MiB"),
                    e.getMessage());
            assertTrue(e.describe().contains("MaxRAMPercentage"), e.describe());
        }
    }

    @Test
    void aStreamThatDoesNotFitIsRefusedBeforeAnythingIsBuilt() throws Exception {
        Path pkgDir = tinyPackage();
        try (FlashVsrModel model = new FlashVsrModel(FlashVsrPackage.open(pkgDir),
                () -> new MachineMemory(1L << 30, 100L << 20, "test"))) {
            EngineException e = assertThrows(EngineException.class, () -> {
                try (StreamingSession s = model.open(new StreamSpec(PixelFormat.RGB, 32, 32, 4), SessionOptions.DEFAULT)) {
                    s.heldFrames();
                }
            });
            assertTrue(e.getMessage().contains("FlashVSR at 128x128") && e.getMessage().contains("needs about")
                    && e.getMessage().contains("only 100 MiB is available (test)"), e.getMessage());
            assertFalse(Files.exists(pkgDir.resolve("cache")), "nothing built");
        }
    }
}
