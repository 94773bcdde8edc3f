package dev.flashvsr.engine.onnx.precision;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.flashvsr.engine.weights.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Initializer and node construction for the precision transforms. */
final class Tensors {
    private Tensors() {
    }

    /** The values of a FLOAT initializer (float_data or raw little-endian bytes). */
    static float[] floats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("initializer '" + t.getName() + "' is not FLOAT (data type "
                    + t.getDataType() + "); only fp32 graphs can be converted");
        }
        if (t.getFloatDataCount() > 0) {
            float[] values = new float[t.getFloatDataCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = t.getFloatData(i);
            }
            return values;
        }
        if (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("initializer '" + t.getName() + "' is stored as external data;"
                    + " only graphs with embedded weights can be converted");
        }
        float[] values = new float[t.getRawData().size() / Float.BYTES];
        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return tensor(name, TensorProto.DataType.FLOAT, dims, raw.array());
    }

    static TensorProto halfTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putShort(HalfFloats.floatToFloat16(v));
        }
        return tensor(name, TensorProto.DataType.FLOAT16, dims, raw.array());
    }

    static TensorProto int8Tensor(String name, long[] dims, byte[] values) {
        return tensor(name, TensorProto.DataType.INT8, dims, values);
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, long[] dims, byte[] raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t.setRawData(ByteString.copyFrom(raw)).build();
    }

    static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    static NodeProto cast(String input, String output, TensorProto.DataType to) {
        return NodeProto.newBuilder().setOpType("Cast").setName("Cast_" + output).addInput(input).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(to.getNumber()))
                .build();
    }
}
