package dev.flashvsr.engine.tensorrt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.cuda.DeviceInfo;
import dev.flashvsr.engine.flashvsr.ExportedGraph;
import dev.flashvsr.engine.tensorrt.cache.EngineKey;
import dev.flashvsr.engine.tensorrt.runtime.OrtTrtRuntime;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine keys of FlashVSR's graphs: weight streaming is part of the chunk-0 DiT's key only. */
class FlashVsrEnginesTest {
    private static final String SHA = "ab".repeat(32);
    private final FlashVsrEngines engines = new FlashVsrEngines(new OrtTrtRuntime(),
            new DeviceInfo(0, "Test GPU", 8, 9, 1L << 34), TrtLog.NONE);

    private EngineKey key(ExportedGraph which) {
        return engines.key("tiny-64x64-fp16", new FlashVsrGraphFiles.Graph(which, SHA, Map.of("x", new long[] {1, 4})),
                Precision.FP16);
    }

    @Test
    void onlyTheChunkZeroDitsKeyAsksForWeightStreaming() {
        for (ExportedGraph which : ExportedGraph.values()) {
            Map<String, String> expected = which == ExportedGraph.DIT_FIRST
                    ? Map.of(FlashVsrEngines.WEIGHT_STREAMING_OPTION, "all") : Map.of();
            assertEquals(expected, key(which).builderOptions(), which::toString);
        }
    }

    /** An engine cached before weight streaming (no option) is not found again: it is rebuilt once. */
    @Test
    void theOptionChangesTheCacheFile() {
        EngineKey streamed = key(ExportedGraph.DIT_FIRST);
        EngineKey kept = new EngineKey(streamed.name(), streamed.graphSha256(), streamed.tensorRtVersion(),
                streamed.gpuName(), streamed.computeCapability(), streamed.precision(), streamed.inputShapes(),
                streamed.workspaceBytes(), null);
        assertNotEquals(kept.fileName(), streamed.fileName());
        assertNotEquals(kept.canonicalText(), streamed.canonicalText());
    }
}
