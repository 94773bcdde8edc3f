package dev.flashvsr.engine.tensorrt.check;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The build-time constants of a graph (initializers and Constant nodes' values), which is what
 * TensorRT can read while building: a TopK's K or a Q/DQ zero point must be one of them.
 */
final class GraphConstants {
    private final Map<String, TensorProto> tensors = new HashMap<>();

    GraphConstants(GraphProto graph) {
        graph.getInitializerList().forEach(t -> tensors.put(t.getName(), t));
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getOutputCount() == 1) {
                for (AttributeProto a : node.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        tensors.put(node.getOutput(0), a.getT());
                    }
                }
            }
        }
    }

    Optional<TensorProto> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    boolean isConstant(String name) {
        return tensors.containsKey(name);
    }

    /** The element count of a constant, from its dims (a scalar has none and holds one value). */
    static long elementCount(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    /** The values of an INT64 constant held in the model; empty when stored elsewhere or of another type. */
    static Optional<long[]> int64Values(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.INT64_VALUE) {
            return Optional.empty();
        }
        if (t.getInt64DataCount() > 0) {
            return Optional.of(t.getInt64DataList().stream().mapToLong(Long::longValue).toArray());
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return Optional.empty();
        }
        long[] values = new long[t.getRawData().size() / 8];
        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
        return Optional.of(values);
    }

    /** The values of a FLOAT constant held in the model; empty when stored elsewhere or of another type. */
    static Optional<float[]> floatValues(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            return Optional.empty();
        }
        if (t.getFloatDataCount() > 0) {
            float[] values = new float[t.getFloatDataCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = t.getFloatData(i);
            }
            return Optional.of(values);
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return Optional.empty();
        }
        float[] values = new float[t.getRawData().size() / 4];
        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return Optional.of(values);
    }

    /** Whether every value of an integer constant (INT8, UINT8, INT32 in int32_data or raw bytes) is zero. */
    static boolean allZero(TensorProto t) {
        if (t.getInt32DataCount() > 0) {
            return t.getInt32DataList().stream().allMatch(v -> v == 0);
        }
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer();
        while (raw.hasRemaining()) {
            if (raw.get() != 0) {
                return false;
            }
        }
        return true;
    }
}
