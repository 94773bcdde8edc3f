package dev.flashvsr.engine.flashvsr.graph;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.cpu.OrtRuntime;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * Applies a Linear layer with ONNX Runtime's float32 GEMM: for folding the real model's constants
 * (30 layers of prompt keys and values, 145 GFLOP per DiT graph), which the exact Java loops of
 * {@link CheckedWeights.Linear#apply} take minutes for. Results differ from those by float32
 * rounding of the sums only.
 */
final class RuntimeLinear {
    private RuntimeLinear() {
    }

    static float[] apply(CheckedWeights.Linear layer, float[] x, int rows) {
        OnnxGraphBuilder b = new OnnxGraphBuilder("linear");
        String input = b.input("x", rows, layer.in());
        String weight = b.input("w", layer.out(), layer.in());
        String bias = b.input("b", layer.out());
        String y = b.op("Gemm", List.of(input, weight, bias), OnnxGraphBuilder.intAttr("transB", 1));
        b.output(y, "y", rows, layer.out());
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions(Runtime.getRuntime().availableProcessors());
                OrtSession session = OrtRuntime.ENV.createSession(b.toByteArray(), options);
                OnnxTensor xs = tensor(x, rows, layer.in());
                OnnxTensor ws = tensor(layer.weight().data(), layer.out(), layer.in());
                OnnxTensor bs = tensor(layer.bias().data(), layer.out());
                OrtSession.Result result = session.run(Map.of("x", xs, "w", ws, "b", bs))) {
            float[] out = new float[rows * layer.out()];
            ((OnnxTensor) result.get(0)).getFloatBuffer().get(out);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to apply " + layer.weight().name() + ": "
                    + e.getMessage(), e);
        }
    }

    private static OnnxTensor tensor(float[] values, long... shape) throws OrtException {
        return OnnxTensor.createTensor(OrtRuntime.ENV, FloatBuffer.wrap(values), shape);
    }

}
