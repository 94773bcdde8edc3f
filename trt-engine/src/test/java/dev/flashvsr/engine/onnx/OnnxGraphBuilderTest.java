package dev.flashvsr.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxGraphBuilderTest {

    @Test
    void smallOpsRunInOnnxRuntime() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("ops");
        String a = g.input("a", 1, 2, "H", "W");
        String b = g.input("b", 1, 2, "H", "W");
        String sum = g.add(a, b);
        String both = g.concat(1, sum, g.relu(a));                                        // 4 channels
        String middle = g.slice(both, new long[] {1}, new long[] {3}, new long[] {1});    // channels 1, 2
        g.output(g.clip(middle, -0.5f, 0.5f), "clipped", 1, 2, "H", "W");
        g.output(g.tanh(a), "t", 1, 2, "H", "W");
        g.output(a, "passthrough", 1, 2, "H", "W");                                       // via Identity
        float[] av = {-1, 0.25f, 2, -0.1f};
        float[] bv = {0.5f, 0.1f, -3, 0.05f};
        Map<String, float[]> out = OrtRunner.run(g.toByteArray(),
                Map.of("a", Map.entry(av, new long[] {1, 2, 1, 2}), "b", Map.entry(bv, new long[] {1, 2, 1, 2})));
        // channel 1 of a + b = {-1, -0.05}; channel 0 of relu(a) = {0, 0.25}; clipped to [-0.5, 0.5]
        assertArrayEquals(new float[] {-0.5f, -0.05f, 0, 0.25f}, out.get("clipped"), 1e-6f);
        assertArrayEquals(new float[] {(float) Math.tanh(-1), (float) Math.tanh(0.25), (float) Math.tanh(2),
            (float) Math.tanh(-0.1)}, out.get("t"), 1e-6f);
        assertArrayEquals(av, out.get("passthrough"));
    }

    @Test
    void depthToSpaceIsPixelShuffle() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("d2s");
        g.output(g.depthToSpace(g.input("x", 1, 8, 1, 1), 2), "y", 1, 2, 2, 2);
        float[] x = {0, 1, 2, 3, 4, 5, 6, 7};
        // pixel_shuffle: out[c][i][j] = in[c * 4 + i * 2 + j]
        assertArrayEquals(x, OrtRunner.run(g.toByteArray(), Map.of("x", Map.entry(x, new long[] {1, 8, 1, 1}))).get("y"));
    }

    @Test
    void modelHeaderAndNames() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("h").metadata("k", "v");
        String x = g.input("x", "N", 3);
        assertThrows(IllegalArgumentException.class, () -> g.input("x", 1));
        assertThrows(IllegalArgumentException.class, () -> g.initializer("w", new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> g.input("y", 1.5));
        g.output(g.relu(x), "y", "N", 3);
        ModelProto m = ModelProto.parseFrom(g.toByteArray());
        assertEquals(8, m.getIrVersion());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals("flashvsr-gst", m.getProducerName());
        assertEquals("k", m.getMetadataProps(0).getKey());
        assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(3, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        assertEquals("y", m.getGraph().getNode(0).getOutput(0), "the producing node writes the output directly");
    }
}
