package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.tensorrt.runtime.ShapeRange;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.tensorrt.runtime.EnginePlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
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

    /** What a builder does: writes {@code engine} to {@code plan}. */
    static void write(WritableByteChannel plan, byte[] engine) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(engine);
        while (bytes.hasRemaining()) {
            plan.write(bytes);
        }
    }

    /** The bytes of a small plan, which is closed (a temporary one deleted) afterwards. */
    static byte[] bytes(EnginePlan plan) throws IOException {
        try (plan) {
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(plan.length()));
            plan.readInto((position, count) -> bytes.slice((int) position, count));
            return bytes.array();
        }
    }
}
