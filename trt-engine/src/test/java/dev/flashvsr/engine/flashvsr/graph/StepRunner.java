package dev.flashvsr.engine.flashvsr.graph;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.flashvsr.engine.onnx.OrtRunner;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An ONNX Runtime (CPU) session of a step graph, fed and read as flat float arrays. */
final class StepRunner implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    StepRunner(byte[] model) throws OrtException {
        session = OrtRunner.session(model, 2);
    }

    List<String> inputNames() {
        return List.copyOf(session.getInputNames());
    }

    List<String> outputNames() {
        return List.copyOf(session.getOutputNames());
    }

    /** Runs with every graph input given by name; returns every output by name. */
    Map<String, float[]> run(Map<String, float[]> inputs) throws OrtException {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                float[] data = inputs.get(e.getKey());
                if (data == null) {
                    throw new IllegalArgumentException("no value for graph input " + e.getKey());
                }
                long[] shape = ((TensorInfo) e.getValue().getInfo()).getShape();
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
            }
            Map<String, float[]> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(tensors)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    FloatBuffer buffer = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    outputs.put(e.getKey(), values);
                }
            }
            return outputs;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Asserts that ONNX Runtime loads a BF16 graph through its ONNX checker and type/shape
     * inference and fails only for want of CPU kernels (ONNX Runtime 1.29's CPU provider has
     * no bfloat16 Pad or Conv).
     */
    static void assertValidButNotImplementedOnCpu(byte[] model) {
        OrtException e = org.junit.jupiter.api.Assertions.assertThrows(OrtException.class, () -> new StepRunner(model));
        org.junit.jupiter.api.Assertions.assertEquals(OrtException.OrtErrorCode.ORT_NOT_IMPLEMENTED, e.getCode(),
                e.getMessage());
    }

    /** Largest |a - b|; NaN if any difference is NaN. */
    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            float d = Math.abs(a[i] - b[i]);
            if (Float.isNaN(d)) {
                return d;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
