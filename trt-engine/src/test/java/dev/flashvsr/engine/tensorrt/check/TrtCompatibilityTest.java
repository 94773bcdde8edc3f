package dev.flashvsr.engine.tensorrt.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One tiny bad graph per rule of {@link TrtCompatibility}, and a good one that passes. */
class TrtCompatibilityTest {
    @TempDir
    Path dir;

    private static TrtCompatibility.GraphReport check(OnnxGraphBuilder b) {
        return TrtCompatibility.check("test.onnx", b.build(), null);
    }

    private static List<String> errors(TrtCompatibility.GraphReport report) {
        return report.problems().stream().filter(p -> p.severity() == TrtProblem.Severity.ERROR)
                .map(TrtProblem::toString).toList();
    }

    private static void assertOneError(TrtCompatibility.GraphReport report, String node, String text) {
        List<String> errors = errors(report);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("node " + node) && errors.get(0).contains(text), errors.get(0));
    }

    /** x [1,3,8,8] -> a 3x3 convolution -> y: what every bad graph below starts from. */
    private static OnnxGraphBuilder convGraph() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        String x = b.input("x", 1, 3, 8, 8);
        String w = b.initializer("w", new float[3 * 3 * 9], 3, 3, 3, 3);
        b.output(b.conv3x3(x, w, b.initializer("bias", new float[3], 3)), "y", 1, 3, 8, 8);
        return b;
    }

    @Test
    void aPlainStaticConvolutionPasses() {
        TrtCompatibility.GraphReport report = check(convGraph());
        assertEquals(List.of(), report.problems());
        assertEquals(1, report.nodes());
        assertFalse(report.hasErrors());
    }

    @Test
    void anUnsupportedOperatorIsAnErrorNamingTheNode() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        b.output(b.op("Unique", List.of(b.input("x", 4))), "y", 4);
        assertOneError(check(b), "Unique_0 (Unique)", "not supported by TensorRT 10.15");
    }

    @Test
    void anOperatorOfAnotherDomainNeedsAPlugin() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        String y = b.op("Gelu", List.of(b.input("x", 4)));
        b.output(y, "y", 4);
        var model = b.build().toBuilder();
        model.getGraphBuilder().getNodeBuilder(0).setDomain("com.microsoft");
        assertOneError(TrtCompatibility.check("t", model.build(), null), "Gelu", "plugin");
    }

    @Test
    void topKWithKAbove3840IsAnErrorAndAtTheLimitIsNot() {
        for (long k : new long[] {5000, 3840}) {
            OnnxGraphBuilder b = new OnnxGraphBuilder("g");
            String x = b.input("x", 1, 8000);
            List<String> out = b.node("TopK", List.of(x, b.int64Tensor("k", new long[] {k}, 1)),
                    List.of("values", "indices"), Map.of());
            b.output(out.get(0), "y", 1, k);
            if (k > OperatorRules.MAX_TOPK_K) {
                assertOneError(check(b), "TopK_0 (TopK)", "K = 5000 exceeds TensorRT's TopK limit of 3840");
            } else {
                assertEquals(List.of(), errors(check(b)));
            }
        }
    }

    @Test
    void unsortedTopKIsAnError() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        List<String> out = b.node("TopK", List.of(b.input("x", 1, 8), b.int64Tensor("k", new long[] {2}, 1)),
                List.of("values", "indices"), Map.of("sorted", OnnxGraphBuilder.intAttr("sorted", 0)));
        b.output(out.get(0), "y", 1, 2);
        assertOneError(check(b), "TopK_0", "sorted must be 1");
    }

    @Test
    void aDoubleTensorIsAnError() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        String cast = b.op("Cast", List.of(b.input("x", 4)), OnnxGraphBuilder.intAttr("to", DataType.DOUBLE_VALUE));
        b.output(cast, "y", 4);
        assertOneError(check(b), "Cast_0 (Cast)", "DOUBLE is not computed by TensorRT");
    }

    @Test
    void aDoubleGraphInputIsAnError() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        b.output(b.relu(b.typedInput("x", DataType.DOUBLE, 4)), "y", 4);
        assertOneError(check(b), "- (graph input)", "graph input 'x': DOUBLE");
    }

    @Test
    void aSymbolicSizeNeedsAProfileAndASymbolicChannelAxisIsAnError() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        String x = b.input("x", 1, 3, "height", 8);
        b.output(b.relu(x), "y", 1, 3, "height", 8);
        TrtCompatibility.GraphReport report = check(b);
        assertEquals(List.of(), errors(report));
        assertEquals(1, report.problems().size());
        assertTrue(report.problems().get(0).toString().startsWith("warning: test.onnx: node - (input): input 'x'"
                + " has sizes not fixed in the graph (axis 2 'height'): the engine needs an optimization profile"), report.toString());

        OnnxGraphBuilder channels = new OnnxGraphBuilder("g");
        channels.output(channels.relu(channels.input("x", 1, "c", 8, 8)), "y", 1, "c", 8, 8);
        assertOneError(check(channels), "- (input)", "axis 1 is 'c': TensorRT needs a fixed channel count");
    }

    @Test
    void quantizeLinearWithANonZeroZeroPointIsAnError() {
        List<String> errors = errors(checkQdq(new byte[] {3}, new float[] {0.05f}, 0));
        assertEquals(2, errors.size(), errors.toString()); // the Q and the DQ share the zero point
        assertTrue(errors.get(0).contains("node QuantizeLinear_0 (QuantizeLinear): zero point is not 0"), errors.get(0));
    }

    @Test
    void symmetricPerTensorQdqPasses() {
        assertEquals(List.of(), checkQdq(new byte[] {0}, new float[] {0.05f}, 0).problems());
    }

    @Test
    void perChannelScalesOnAnAxisOtherThanZeroAreAnError() {
        List<String> errors = errors(checkQdq(new byte[] {0}, new float[] {0.05f, 0.1f, 0.1f}, 1));
        assertEquals(2, errors.size(), errors.toString()); // both the Q and the DQ
        assertTrue(errors.get(0).contains("per-channel scale on axis 1"), errors.get(0));
    }

    @Test
    void quantizeLinearWithoutAZeroPointIsAnError() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        String q = b.op("QuantizeLinear", List.of(b.input("x", 3), b.initializer("s", new float[] {0.1f})));
        b.output(b.op("DequantizeLinear", List.of(q, "s")), "y", 3);
        assertOneError(check(b), "QuantizeLinear_0", "no zero point: ONNX then quantizes to UINT8");
    }

    /** x [1,3] -> QuantizeLinear -> DequantizeLinear -> y, with the given INT8 zero point and scales on {@code axis}. */
    private static TrtCompatibility.GraphReport checkQdq(byte[] zeroPoint, float[] scales, long axis) {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        String x = b.input("x", 1, 3);
        String s = scales.length == 1 ? b.initializer("s", scales) : b.initializer("s", scales, scales.length);
        String q = b.op("QuantizeLinear", List.of(x, s, "zp"), OnnxGraphBuilder.intAttr("axis", axis));
        b.output(b.op("DequantizeLinear", List.of(q, s, "zp"), OnnxGraphBuilder.intAttr("axis", axis)), "y", 1, 3);
        ModelProto.Builder model = b.build().toBuilder();
        // The builder makes float and int64 tensors only; the INT8 zero point is added here.
        model.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("zp")
                .setDataType(DataType.INT8_VALUE).setRawData(ByteString.copyFrom(zeroPoint)));
        return TrtCompatibility.check("test.onnx", model.build(), null);
    }

    @Test
    void externalDataThatIsMissingOrShortIsAnError() throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g").externalData(dir.resolve("g.onnx.data"), 16);
        String x = b.input("x", 1, 3, 8, 8);
        b.output(b.conv3x3(x, b.initializer("w", new float[81], 3, 3, 3, 3), b.initializer("bias", new float[3], 3)),
                "y", 1, 3, 8, 8);
        byte[] model = b.toByteArray();
        assertEquals(List.of(), TrtCompatibility.check("g.onnx", model, dir).problems());
        Files.write(dir.resolve("g.onnx.data"), new byte[8]);
        assertOneError(TrtCompatibility.check("g.onnx", model, dir), "- (initializer)", "holds 8 bytes, less than");
        Files.delete(dir.resolve("g.onnx.data"));
        assertOneError(TrtCompatibility.check("g.onnx", model, dir), "- (initializer)", "which is missing");
        assertOneError(TrtCompatibility.check("g.onnx", model, null), "- (initializer)", "no folder");
    }

    @Test
    void anOpsetOutsideTheParsersRangeIsAnError() {
        var model = convGraph().build().toBuilder();
        model.getOpsetImportBuilder(0).setVersion(7);
        assertOneError(TrtCompatibility.check("t", model.build(), null), "- (-)", "opset 7 is outside");
    }

    @Test
    void unsupportedResizeModesAndCubicAreReported() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        String x = b.input("x", 1, 1, 4, 4);
        String scales = b.initializer("scales", new float[] {1, 1, 2, 2}, 4);
        String resized = b.op("Resize", List.of(x, "", scales), OnnxGraphBuilder.stringAttr("mode", "linear"),
                OnnxGraphBuilder.stringAttr("coordinate_transformation_mode", "tf_crop_and_resize"));
        b.output(resized, "y", 1, 1, 8, 8);
        assertOneError(check(b), "Resize_0 (Resize)", "coordinate_transformation_mode=tf_crop_and_resize");

        OnnxGraphBuilder cubic = new OnnxGraphBuilder("g");
        cubic.output(cubic.resizeCubic(cubic.input("x", 1, 1, 4, 4), 2), "y", 1, 1, 8, 8);
        TrtCompatibility.GraphReport report = check(cubic);
        assertEquals(List.of(), errors(report));
        assertTrue(report.problems().stream().anyMatch(p -> p.what().startsWith("mode=cubic")), report.toString());
    }

    @Test
    void aPadModeTensorRtLacksIsAnError() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        String pads = b.int64Initializer("pads", 0, 0, 1, 1, 0, 0, 1, 1);
        b.output(b.op("Pad", List.of(b.input("x", 1, 1, 4, 4), pads), OnnxGraphBuilder.stringAttr("mode", "mirror")),
                "y", 1, 1, 6, 6);
        assertOneError(check(b), "Pad_0 (Pad)", "mode=mirror is not a TensorRT padding mode");
    }

    @Test
    void bytesThatAreNotAModelAreAnError() {
        assertOneError(TrtCompatibility.check("junk.onnx", new byte[] {(byte) 0xff, 1, 2}, null), "- (-)",
                "not an ONNX model");
    }
}
