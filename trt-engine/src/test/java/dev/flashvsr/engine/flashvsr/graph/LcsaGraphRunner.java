package dev.flashvsr.engine.flashvsr.graph;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a small float-in, float-out ONNX model on ONNX Runtime (CPU, one thread) for the LCSA tests. */
final class LcsaGraphRunner implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    LcsaGraphRunner(byte[] model) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        session = env.createSession(model, options);
    }

    /** Inputs: name to (data, shape). Outputs: name to data. */
    Map<String, float[]> run(Map<String, Map.Entry<float[], long[]>> inputs) throws OrtException {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
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

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
