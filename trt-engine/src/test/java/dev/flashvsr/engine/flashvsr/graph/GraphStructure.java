package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structural checks of a step graph that need no runtime (ONNX Runtime's CPU provider has no
 * BF16 kernels for these ops): every node input is defined before use and every value once;
 * element types propagate consistently through every node (same type on all data inputs,
 * int64 shape/axes inputs, float32 Resize scales, Cast as declared); graph inputs and outputs
 * are float32; every input and initializer is used; convolutions and Gemms run in the
 * precision's type with weights stored in it, and the RMS norms' reductions in float32.
 */
final class GraphStructure {
    private static final Set<String> SAME_TYPE_OPS = Set.of("Conv", "Gemm", "Add", "Mul", "Div", "Max", "Concat",
            "Relu", "Tanh", "Sigmoid", "Sqrt", "Transpose", "Identity");
    /** Op type to the input positions that hold int64 shapes, starts, pads or axes. */
    private static final Map<String, Set<Integer>> INT64_INPUTS = Map.of("Reshape", Set.of(1),
            "Slice", Set.of(1, 2, 3, 4), "Pad", Set.of(1), "ReduceSum", Set.of(1));

    private GraphStructure() {
    }

    static void check(byte[] bytes, ComputeType precision) throws Exception {
        ModelProto model = ModelProto.parseFrom(bytes);
        assertEquals(1, model.getOpsetImportCount());
        assertEquals("", model.getOpsetImport(0).getDomain());
        GraphProto graph = model.getGraph();
        Map<String, Integer> types = new HashMap<>();
        Set<String> used = new HashSet<>();
        for (ValueInfoProto input : graph.getInputList()) {
            define(types, input.getName(), input.getType().getTensorType().getElemType());
            assertEquals(TensorProto.DataType.FLOAT_VALUE, types.get(input.getName()), "input " + input.getName());
        }
        for (TensorProto init : graph.getInitializerList()) {
            define(types, init.getName(), init.getDataType());
        }
        for (NodeProto node : graph.getNodeList()) {
            String op = node.getOpType();
            assertEquals("", node.getDomain(), "domain of " + node.getName());
            assertEquals(1, node.getOutputCount(), node.getName());
            Integer dataType = null;
            for (int i = 0; i < node.getInputCount(); i++) {
                String in = node.getInput(i);
                if (in.isEmpty()) {
                    continue;
                }
                Integer type = types.get(in);
                if (type == null) {
                    fail(node.getName() + " (" + op + ") uses '" + in + "' before it is defined");
                }
                used.add(in);
                if (INT64_INPUTS.getOrDefault(op, Set.of()).contains(i)) {
                    assertEquals(TensorProto.DataType.INT64_VALUE, type, node.getName() + " input " + i);
                } else if (op.equals("Resize") && i > 0) {
                    assertEquals(TensorProto.DataType.FLOAT_VALUE, type, node.getName() + " scales");
                } else if (dataType == null) {
                    dataType = type;
                } else {
                    assertEquals(dataType, type, node.getName() + " (" + op + ") mixes element types at input " + i);
                }
            }
            int outType;
            if (op.equals("Cast")) {
                outType = (int) attribute(node, "to").getI();
            } else if (SAME_TYPE_OPS.contains(op) || INT64_INPUTS.containsKey(op) || op.equals("Resize")) {
                outType = dataType;
            } else {
                throw new AssertionError("unexpected op " + op + " in " + node.getName());
            }
            define(types, node.getOutput(0), outType);
            if (op.equals("Conv") || op.equals("Gemm")) {
                assertEquals(precision.onnxType().getNumber(), outType, node.getName() + " computes in " + outType);
            }
            if (op.equals("ReduceSum") || op.equals("Sqrt")) {
                assertEquals(TensorProto.DataType.FLOAT_VALUE, outType, "norm op " + node.getName());
            }
        }
        for (ValueInfoProto output : graph.getOutputList()) {
            assertEquals(TensorProto.DataType.FLOAT_VALUE, types.get(output.getName()), "output " + output.getName());
            used.add(output.getName());
        }
        for (ValueInfoProto input : graph.getInputList()) {
            assertTrue(used.contains(input.getName()), "unused graph input " + input.getName());
        }
        for (TensorProto init : graph.getInitializerList()) {
            assertTrue(used.contains(init.getName()), "unused initializer " + init.getName());
            boolean weight = init.getName().endsWith(".weight") || init.getName().endsWith(".bias");
            if (weight) {
                assertEquals(precision.onnxType().getNumber(), init.getDataType(), "weight " + init.getName());
                assertTrue(init.getRawData().size() > 0, "weight " + init.getName() + " has no data");
            }
        }
    }

    private static void define(Map<String, Integer> types, String name, int type) {
        if (types.put(name, type) != null) {
            fail("value '" + name + "' is defined twice");
        }
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        List<AttributeProto> found = node.getAttributeList().stream().filter(a -> a.getName().equals(name)).toList();
        assertEquals(1, found.size(), node.getName() + " attribute " + name);
        return found.get(0);
    }
}
