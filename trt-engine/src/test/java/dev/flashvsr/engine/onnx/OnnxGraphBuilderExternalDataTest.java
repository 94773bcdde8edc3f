package dev.flashvsr.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.weights.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External initializer data and typed values of OnnxGraphBuilder. */
class OnnxGraphBuilderExternalDataTest {

    @Test
    void externalInitializersLoadInOnnxRuntimeFromTheModelFolder(@TempDir Path dir) throws Exception {
        int n = 64;
        float[] w = new float[n * n];
        float[] half = new float[n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.37);
        }
        for (int i = 0; i < n; i++) {
            half[i] = 0.25f * i;
        }
        OnnxGraphBuilder g = new OnnxGraphBuilder("external").externalData(dir.resolve("model.data"), 1024);
        String x = g.input("x", 1, n);
        String weight = g.initializer("w", w, n, n);                                             // 16 KiB: external
        String bias = g.initializer("bias", new float[] {1, 2}, 2);                               // 8 bytes: embedded
        String halves = g.initializer("halves", TensorProto.DataType.FLOAT16, half, 1, n);        // 128 bytes: embedded
        String product = g.node("MatMul", List.of(x, weight), "product", Map.of());
        String wide = g.node("Cast", List.of(halves), "halves_f32", Map.of("to", OnnxGraphBuilder.intAttr("to",
                TensorProto.DataType.FLOAT_VALUE)));
        String sum = g.add(product, wide);
        g.output(sum, "y", 1, n);
        g.output(bias, "b", 2);
        g.typedOutput(g.node("Shape", List.of(x), "shape", Map.of()), "x_shape", TensorProto.DataType.INT64, 2);
        Path model = dir.resolve("model.onnx");
        g.save(model);
        assertThrows(IllegalArgumentException.class, () -> g.save(Files.createDirectory(dir.resolve("elsewhere"))
                .resolve("model.onnx")), "the model must sit beside its data");

        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
        TensorProto external = proto.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("w"))
                .findFirst().orElseThrow();
        assertEquals(TensorProto.DataLocation.EXTERNAL, external.getDataLocation());
        assertTrue(external.getRawData().isEmpty());
        Map<String, String> entries = external.getExternalDataList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
        assertEquals(Map.of("location", "model.data", "offset", "0", "length", Integer.toString(4 * n * n)), entries);
        assertFalse(proto.getGraph().getInitializerList().stream().filter(t -> !t.getName().equals("w"))
                .anyMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL));
        assertEquals(4L * n * n, Files.size(dir.resolve("model.data")));

        float[] xv = new float[n];
        xv[3] = 1;
        xv[10] = -2;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(xv), new long[] {1, n});
                OrtSession.Result result = session.run(Map.of("x", input))) {
            float[] y = ((float[][]) result.get("y").orElseThrow().getValue())[0];
            for (int j = 0; j < n; j++) {
                assertEquals(w[3 * n + j] - 2 * w[10 * n + j] + half[j], y[j], 1e-6f);
            }
            assertArrayEquals(new long[] {1, n}, (long[]) result.get("x_shape").orElseThrow().getValue());
        }
    }

    @Test
    void externalOffsetsArePageAligned(@TempDir Path dir) throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("aligned").externalData(dir.resolve("d.bin"), 0);
        g.initializer("a", new float[3], 3);
        g.initializer("b", new float[5], 5);
        TensorProto b = g.build().getGraph().getInitializer(1);
        assertEquals("4096", b.getExternalDataList().stream().filter(e -> e.getKey().equals("offset")).findFirst()
                .orElseThrow().getValue());
        assertEquals(4096 + 20, Files.size(dir.resolve("d.bin")));
    }

    @Test
    void boolAndInt64Initializers() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("typed");
        String mask = g.boolInitializer("mask", new boolean[] {true, false, true, true}, 2, 2);
        String index = g.int64Tensor("index", new long[] {1}, new long[0]);
        String x = g.typedInput("x", TensorProto.DataType.INT64, 3);
        g.typedOutput(g.node("Gather", List.of(x, index), "picked", Map.of()), "picked_out", TensorProto.DataType.INT64);
        g.typedOutput(g.node("Not", List.of(mask), "not_mask", Map.of()), "inverse", TensorProto.DataType.BOOL, 2, 2);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ByteBuffer bytes = ByteBuffer.allocateDirect(24).order(ByteOrder.nativeOrder());
        bytes.asLongBuffer().put(new long[] {7, 8, 9});
        try (OrtSession session = env.createSession(g.toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(env, bytes.asLongBuffer(), new long[] {3});
                OrtSession.Result result = session.run(Map.of("x", input))) {
            assertEquals(8L, result.get("picked_out").orElseThrow().getValue());
            assertArrayEquals(new boolean[] {false, true}, ((boolean[][]) result.get("inverse").orElseThrow().getValue())[0]);
        }
        NodeProto not = g.build().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Not")).findFirst()
                .orElseThrow();
        assertEquals("inverse", not.getOutput(0));
    }
}
