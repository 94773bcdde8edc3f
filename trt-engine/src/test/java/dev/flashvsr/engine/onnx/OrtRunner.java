package dev.flashvsr.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** ONNX Runtime (CPU) sessions for the tests; runs a serialized model once and returns its float outputs. */
public final class OrtRunner {
    private OrtRunner() {
    }

    /** All graph optimisations, {@code threads} intra-op threads. */
    public static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(threads);
        return options;
    }

    public static OrtSession session(byte[] model, int threads) throws OrtException {
        return OrtEnvironment.getEnvironment().createSession(model, options(threads));
    }

    /** Inputs: name to (data, shape). Outputs: name to data, in the session's output order. */
    public static Map<String, float[]> run(byte[] model, Map<String, Map.Entry<float[], long[]>> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try (OrtSession session = session(model, 1)) {
            for (var e : inputs.entrySet()) {
                tensors.put(e.getKey(),
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().getKey()), e.getValue().getValue()));
            }
            Map<String, float[]> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(tensors)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                    FloatBuffer data = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] values = new float[data.remaining()];
                    data.get(values);
                    outputs.put(e.getKey(), values);
                }
            }
            return outputs;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }
}
