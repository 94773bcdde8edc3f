package dev.flashvsr.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.MemoryEstimate;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.tiling.TilePlan;
import dev.flashvsr.engine.tiling.TiledUpscaler;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CPU backend's memory estimate against what its sessions allocate and what the issue measured. */
class SessionMemoryTest {
    private static final long GIB = 1L << 30;

    @ParameterizedTest(name = "{0}x{1} x{2}, tile-size {3}")
    @CsvSource({"64, 20, 4, 0", "160, 90, 4, 0", "160, 90, 2, 0", "160, 90, 4, 48", "97, 61, 2, 40"})
    void tensorAndTilingPartsAreWhatTheSessionAllocates(int width, int height, int scale, int tileSize)
            throws Exception {
        try (OnnxModel model = (OnnxModel) Models.resolve("vsr-small")) {
            StreamSpec spec = new StreamSpec(PixelFormat.I420, width, height, scale);
            SessionOptions options = new SessionOptions(Backend.AUTO, 0, tileSize, tileSize == 0 ? 0 : 10);
            MemoryEstimate estimate = model.estimateMemory(spec, options).orElseThrow();
            try (StreamingSession session = model.open(spec, options)) {
                assertEquals(((OnnxStreamingSession) session).bufferBytes(), estimate.tensors() + estimate.tiling(),
                        estimate.describe());
            }
            assertTrue(estimate.runtime() > SessionMemory.RUNTIME_FIXED_BYTES, estimate.describe());
            assertEquals(tileSize > 0, estimate.tiling() > 0, estimate.describe());
        }
    }

    /** The issue measured 17.5 GB resident for 3840x2160 x4 untiled; the estimate must be of that size. */
    @Test
    void untiledFourKAtScaleFourIsAboutWhatTheIssueMeasured() throws Exception {
        try (OnnxModel model = (OnnxModel) Models.resolve("vsr-small")) {
            long total = model.estimateMemory(new StreamSpec(PixelFormat.RGB, 3840, 2160, 4), SessionOptions.DEFAULT)
                    .orElseThrow().total();
            assertTrue(total > 15 * GIB && total < 20 * GIB, MemoryEstimate.format(total));
        }
    }

    /** The tests' JVM has 1 GiB of heap and so of direct memory; 4K at x4 untiled needs 3 GiB of tensors. */
    @Test
    void tensorsBeyondTheJvmsDirectMemoryAreAClearError() throws Exception {
        assumeTrue(Runtime.getRuntime().maxMemory() < 2 * GIB, "needs a JVM with less than 2 GiB of heap");
        try (OnnxModel model = (OnnxModel) Models.resolve("vsr-small")) {
            EngineException e = assertThrows(EngineException.class,
                    () -> model.open(new StreamSpec(PixelFormat.RGB, 3840, 2160, 4), SessionOptions.DEFAULT));
            assertTrue(e.getMessage().contains("cannot allocate the tensor buffers of a 3840x2160 session")
                    && e.remedy().contains("tile-size") && e.remedy().contains("MaxDirectMemorySize"), e.describe());
        }
    }

    @Test
    void tilesBoundTheEstimateOfALargeFrame() throws Exception {
        try (OnnxModel model = (OnnxModel) Models.resolve("vsr-small")) {
            StreamSpec spec = new StreamSpec(PixelFormat.RGB, 3840, 2160, 4);
            MemoryEstimate tiled = model.estimateMemory(spec, SessionOptions.DEFAULT.withTiles(256, 10)).orElseThrow();
            // the recurrent state of the whole frame stays: 21 state and 3 previous-frame channels
            long state = 24L * 4 * 3840 * 2160;
            assertTrue(tiled.tensors() > state && tiled.total() < state + GIB / 2, tiled.describe());
            assertEquals(TiledUpscaler.bufferBytes(TilePlan.of(3840, 2160, 256, 10, 4)), tiled.tiling());
        }
    }

    @Test
    void tensorAndRuntimePartsScaleWithTheElementSize() {
        ModelManifest.Graph graph = new ModelManifest.Graph(4, Precision.FP32, "x4.onnx", "0".repeat(64), 0, "current",
                Optional.of("previous"), "output", List.of(new ModelManifest.State("hidden", "hidden_out", 4, 0f)), 10);
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, 640, 360, 4);
        SessionLayout layout = SessionLayout.of(spec, SessionOptions.DEFAULT.withTiles(128, 10), graph, true, 2);
        MemoryEstimate fp32 = SessionMemory.estimate(layout, graph, 4);
        MemoryEstimate fp16 = SessionMemory.estimate(layout, graph, 2);
        assertEquals(fp32.tensors(), 2 * fp16.tensors());
        assertEquals(fp32.runtime() - SessionMemory.RUNTIME_FIXED_BYTES,
                2 * (fp16.runtime() - SessionMemory.RUNTIME_FIXED_BYTES));
        assertEquals(fp32.tiling(), fp16.tiling(), "tiling buffers are Java floats whatever the model's precision");
        assertEquals(SessionLayout.Kind.TILES, layout.kind());
        // 3 previous-frame channels and 4 state channels per tile pixel, plus one shared set of run
        // buffers: frame input 3, output 3 x 16, state output 4
        long tilePixels = 128L * 128;
        assertEquals(4 * (layout.tiles().tileCount() * 7 * tilePixels + 55 * tilePixels), fp32.tensors());
    }
}
