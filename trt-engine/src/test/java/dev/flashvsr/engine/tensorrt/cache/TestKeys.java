package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.tensorrt.runtime.ShapeRange;
import dev.flashvsr.engine.Precision;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Keys and engine bytes for the cache tests (shared with the second JVM of the process test). */
final class TestKeys {
    static final String GRAPH_SHA = EngineKey.sha256Hex("graph");

    private TestKeys() {
    }

    static EngineKey key() {
        return new EngineKey("vsr-small-x2", GRAPH_SHA, "10.15.1", "NVIDIA GeForce RTX 4090", "8.9", Precision.FP16,
                new TreeMap<>(Map.of("lr", new ShapeRange(new long[] {1, 3, 64, 64}, new long[] {1, 3, 360, 640},
                        new long[] {1, 3, 720, 1280}))),
                1L << 30, new TreeMap<>(Map.of("timing-cache", "on")));
    }

    static EngineKey otherKey() {
        EngineKey k = key();
        return new EngineKey(k.name(), k.graphSha256(), k.tensorRtVersion(), k.gpuName(), k.computeCapability(),
                Precision.INT8, k.inputShapes(), k.workspaceBytes(), k.builderOptions());
    }

    /** Engine bytes that differ per content string and are large enough to span several writes. */
    static byte[] engine(String content, int size) {
        byte[] seed = content.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (seed[i % seed.length] + i / seed.length);
        }
        return bytes;
    }
}
