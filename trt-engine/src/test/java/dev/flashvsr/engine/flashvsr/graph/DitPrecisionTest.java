package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxJavaType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FP16 and BF16 graphs in ONNX Runtime (CPU) against the FP32 graph, on the golden 4-call run
 * with the golden LCSA masks (noise_pred values reach about 5.5 in magnitude).
 */
class DitPrecisionTest {
    /** FP16: about 3.5e-3 measured (weights, products and caches rounded to 11 significant bits). */
    private static final float FP16_TOLERANCE = 1e-2f;
    /** BF16: 8 significant bits, 8x coarser than FP16; about 2.5e-2 measured. */
    private static final float BF16_TOLERANCE = 8e-2f;
    private static DitGolden golden;
    private static DitConstants constants;
    private static List<Map<String, DitOrtValues.Value>> fp32;

    @BeforeAll
    static void open() throws Exception {
        golden = DitGolden.open();
        constants = golden.constants();
        fp32 = DitStreamRun.run(golden, constants, ComputeType.FP32, call -> DitGraphTest.goldenMasks(golden.lcsa, call),
                false);
    }

    @AfterAll
    static void close() throws Exception {
        golden.close();
    }

    @Test
    void fp16StaysCloseToFp32() throws Exception {
        List<Map<String, DitOrtValues.Value>> out = DitStreamRun.run(golden, constants, ComputeType.FP16,
                call -> DitGraphTest.goldenMasks(golden.lcsa, call), false);
        assertEquals(OnnxJavaType.FLOAT16, out.get(0).get("k_cache_0_out").type(), "caches are stored in FP16");
        compare(ComputeType.FP16, out, FP16_TOLERANCE);
    }

    /**
     * ONNX Runtime's CPU provider has no bfloat16 MatMul ("Could not find an implementation for
     * MatMul(13)"), so the BF16 graph is run with each MatMul rewritten as Cast to float, float
     * MatMul, Cast back to bfloat16: bf16 operands, float accumulation, a bf16 result, which is what
     * bf16 tensor-core GEMMs compute. Everything else (bf16 weights, casts, caches) runs as built.
     */
    @Test
    void bf16WithEmulatedMatMulStaysCloseToFp32() throws Exception {
        List<Map<String, DitOrtValues.Value>> out = DitStreamRun.run(golden, constants, ComputeType.BF16,
                call -> DitGraphTest.goldenMasks(golden.lcsa, call), false, DitPrecisionTest::floatMatMuls);
        assertEquals(OnnxJavaType.BFLOAT16, out.get(0).get("k_cache_0_out").type(), "caches are stored in BF16");
        compare(ComputeType.BF16, out, BF16_TOLERANCE);
    }

    private static void compare(ComputeType p, List<Map<String, DitOrtValues.Value>> out, float tolerance) {
        for (int call = 0; call < out.size(); call++) {
            float err = StepRunner.maxAbsDiff(fp32.get(call).get("noise_pred").toFloats(),
                    out.get(call).get("noise_pred").toFloats());
            System.out.printf("%s call %d: max |noise_pred - FP32 graph| = %.3g%n", p, call, err);
            assertTrue(err <= tolerance, p + " call " + call + ": " + err + " > " + tolerance);
        }
    }

    /** Every bfloat16 MatMul a x b becomes Cast(Cast(a, float) x Cast(b, float), bfloat16). */
    static ModelProto floatMatMuls(ModelProto model) {
        GraphProto.Builder graph = model.getGraph().toBuilder().clearNode();
        int counter = 0;
        for (NodeProto node : model.getGraph().getNodeList()) {
            if (!node.getOpType().equals("MatMul")) {
                graph.addNode(node);
                continue;
            }
            String a = node.getInput(0) + "_f32_" + counter;
            String b = node.getInput(1) + "_f32_" + counter;
            String product = node.getOutput(0) + "_f32";
            graph.addNode(cast(node.getInput(0), a, TensorProto.DataType.FLOAT));
            graph.addNode(cast(node.getInput(1), b, TensorProto.DataType.FLOAT));
            graph.addNode(node.toBuilder().clearInput().addInput(a).addInput(b).setOutput(0, product));
            graph.addNode(cast(product, node.getOutput(0), TensorProto.DataType.BFLOAT16));
            counter++;
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static NodeProto cast(String in, String out, TensorProto.DataType to) {
        return NodeProto.newBuilder().setOpType("Cast").setName("emulate_" + out).addInput(in).addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(to.getNumber()))
                .build();
    }
}
