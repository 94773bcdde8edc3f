package dev.flashvsr.engine.onnx.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.onnx.OrtRunner;
import dev.flashvsr.engine.tensorrt.check.TrtCompatibility;
import dev.flashvsr.engine.tensorrt.check.TrtProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fp16 and int8 transforms on the shipped vsr-small x4 graph (motion smoothing, hidden state). */
class PrecisionVariantsTest {
    private static final int W = 24;
    private static final int H = 20;

    private static ModelProto shipped() throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(Path.of("..", "models", "vsr-small", "x4.onnx")));
    }

    /** A smooth colour pattern, and one shifted by a pixel as the previous frame; zero state. */
    private static Map<String, Map.Entry<float[], long[]>> inputs() {
        float[] current = new float[3 * H * W];
        float[] previous = new float[3 * H * W];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    current[(c * H + y) * W + x] = pattern(c, x, y);
                    previous[(c * H + y) * W + x] = pattern(c, x + 1, y);
                }
            }
        }
        Map<String, Map.Entry<float[], long[]>> in = new HashMap<>();
        in.put("current", Map.entry(current, new long[] {1, 3, H, W}));
        in.put("previous", Map.entry(previous, new long[] {1, 3, H, W}));
        in.put("hidden", Map.entry(new float[4 * H * W], new long[] {1, 4, H, W}));
        in.put("smoothed", Map.entry(new float[17 * H * W], new long[] {1, 17, H, W}));
        return in;
    }

    private static float pattern(int c, int x, int y) {
        return (float) (0.5 + 0.4 * Math.sin(0.45 * x + 0.3 * y + c) * Math.cos(0.2 * x * (c + 1) - 0.35 * y));
    }

    private static double maxDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static List<String> trtErrors(ModelProto model) {
        return TrtCompatibility.check("graph", model, null).problems().stream()
                .filter(p -> p.severity() == TrtProblem.Severity.ERROR).map(TrtProblem::toString).toList();
    }

    private static long count(ModelProto model, String opType) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).count();
    }

    @Test
    void fp16KeepsFp32EdgesAndStaysCloseToFp32() throws Exception {
        ModelProto fp32 = shipped();
        ModelProto fp16 = HalfPrecision.convert(fp32);
        for (String weight : List.of("conv0.weight", "conv4.bias")) {
            TensorProto t = fp16.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(weight))
                    .findFirst().orElseThrow();
            assertEquals(TensorProto.DataType.FLOAT16_VALUE, t.getDataType(), weight);
        }
        assertEquals(fp32.getGraph().getInputList(), fp16.getGraph().getInputList());
        assertEquals(fp32.getGraph().getOutputList(), fp16.getGraph().getOutputList());
        // in: the concatenated frames and state; out: the residual/state slices read conv4 (one cast)
        assertEquals(count(fp32, "Cast") + 2, count(fp16, "Cast"));
        Map<String, float[]> expected = OrtRunner.run(fp32.toByteArray(), inputs());
        Map<String, float[]> actual = OrtRunner.run(fp16.toByteArray(), inputs());
        for (String output : expected.keySet()) {
            double diff = maxDifference(expected.get(output), actual.get(output));
            assertTrue(diff < 2e-3 && diff > 0, output + ": max difference " + diff);
        }
        assertEquals(List.of(), trtErrors(fp16));
    }

    @Test
    void int8WithMaxScalesIsTensorRtValidAndCloseToFp32() throws Exception {
        ModelProto fp32 = shipped();
        List<String> activations = CalibrationGraph.activations(fp32);
        assertEquals(List.of("concat_0", "relu_2", "relu_4", "relu_6", "relu_8", "slice_13"), activations);
        Map<String, float[]> calibration = OrtRunner.run(CalibrationGraph.withActivationOutputs(fp32).toByteArray(),
                inputs());
        Map<String, Float> scales = new HashMap<>();
        for (String tensor : activations) {
            float max = 0;
            for (float v : calibration.get(tensor)) {
                max = Math.max(max, Math.abs(v));
            }
            scales.put(tensor, max / Int8Quantization.QMAX);
        }
        ModelProto int8 = Int8Quantization.quantize(fp32, scales);
        assertEquals(List.of(), trtErrors(int8));
        assertEquals(6, count(int8, "QuantizeLinear"));
        assertEquals(6 + 5, count(int8, "DequantizeLinear"));
        assertTrue(int8.getGraph().getInitializerList().stream().noneMatch(t -> t.getName().equals("conv0.weight")));
        Map<String, float[]> expected = OrtRunner.run(fp32.toByteArray(), inputs());
        Map<String, float[]> actual = OrtRunner.run(int8.toByteArray(), inputs());
        double diff = maxDifference(expected.get("output"), actual.get("output"));
        assertTrue(diff < 0.03 && diff > 0, "max difference " + diff);
    }

    @Test
    void int8RefusesMissingAndNonFiniteScales() throws Exception {
        ModelProto fp32 = shipped();
        Map<String, Float> scales = new HashMap<>();
        CalibrationGraph.activations(fp32).forEach(t -> scales.put(t, 0.01f));
        scales.put("relu_4", Float.NaN);
        scales.put("relu_6", Float.POSITIVE_INFINITY);
        scales.remove("slice_13");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Int8Quantization.quantize(fp32, scales));
        assertTrue(e.getMessage().contains("'relu_4' is NaN"), e.getMessage());
        assertTrue(e.getMessage().contains("'relu_6' is Infinity"), e.getMessage());
        assertTrue(e.getMessage().contains("no scale for activation 'slice_13'"), e.getMessage());
    }

    @Test
    void graphWithoutLearnedConvolutionsIsRefused() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("bicubic_only");
        String in = g.input("current", "N", 3, "H", "W");
        g.output(g.bicubicPhases(in, 3, 2), "output", "N", 12, "H", "W");
        ModelProto model = g.build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HalfPrecision.convert(model));
        assertTrue(e.getMessage().contains("no learned convolution"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Int8Quantization.quantize(model, Map.of()));
    }

    @Test
    void fp16RefusesAWeightSharedOutsideTheTrunk() throws Exception {
        ModelProto fp32 = shipped();
        NodeProto reader = NodeProto.newBuilder().setOpType("Identity").setName("Identity_shared")
                .addInput("conv0.bias").addOutput("bias_copy").build();
        ModelProto shared = fp32.toBuilder().setGraph(fp32.getGraph().toBuilder().addNode(reader)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HalfPrecision.convert(shared));
        assertTrue(e.getMessage().contains("'conv0.bias'") && e.getMessage().contains("Identity_shared"),
                e.getMessage());
    }
}
