package dev.flashvsr.engine.flashvsr.graph;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.onnx.OrtRunner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs ONNX Runtime (CPU) sessions on typed host tensors, copying every output back to the heap. */
final class DitOrtValues {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private DitOrtValues() {
    }

    /** A host tensor: element type, shape, little-endian (native) bytes. */
    record Value(OnnxJavaType type, long[] shape, ByteBuffer data) {
        static Value floats(float[] values, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.nativeOrder());
            b.asFloatBuffer().put(values);
            return new Value(OnnxJavaType.FLOAT, shape, b);
        }

        static Value longs(long[] values, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.nativeOrder());
            b.asLongBuffer().put(values);
            return new Value(OnnxJavaType.INT64, shape, b);
        }

        float[] toFloats() {
            if (type != OnnxJavaType.FLOAT) {
                throw new IllegalStateException("not a float tensor: " + type);
            }
            FloatBuffer f = data.duplicate().order(ByteOrder.nativeOrder()).rewind().asFloatBuffer();
            float[] out = new float[f.remaining()];
            f.get(out);
            return out;
        }

        boolean[] toBooleans() {
            ByteBuffer b = data.duplicate().rewind();
            boolean[] out = new boolean[b.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.get(i) != 0;
            }
            return out;
        }
    }

    static OrtSession session(byte[] model) throws OrtException {
        return OrtRunner.session(model, 2);
    }

    static OrtSession session(String modelPath) throws OrtException {
        return ENV.createSession(modelPath, OrtRunner.options(2));
    }

    static Map<String, Value> run(OrtSession session, Map<String, Value> inputs) throws OrtException {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                Value v = e.getValue();
                ByteBuffer direct = ByteBuffer.allocateDirect(v.data().capacity()).order(ByteOrder.nativeOrder());
                direct.put(v.data().duplicate().rewind()).rewind();
                tensors.put(e.getKey(), OnnxTensor.createTensor(ENV, direct, v.shape(), v.type()));
            }
            Map<String, Value> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(tensors)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    ByteBuffer bytes = t.getByteBuffer().order(ByteOrder.nativeOrder());
                    outputs.put(e.getKey(), new Value(t.getInfo().type, t.getInfo().getShape(), bytes));
                }
            }
            return outputs;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }
}
