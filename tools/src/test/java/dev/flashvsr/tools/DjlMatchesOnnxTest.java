package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.onnx.RecurrentSrGraph;
import dev.flashvsr.engine.pkg.RecurrentSrPackage;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.tools.train.DjlRecurrentSr;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The network as trained (DJL/PyTorch) and as shipped (the ONNX graph built in Java, run by ONNX
 * Runtime) give the same output and state over two recurrent frames, for the shipped weights.
 */
class DjlMatchesOnnxTest {
    private static final float TOLERANCE = 1e-4f;
    private static final int HEIGHT = 11;
    private static final int WIDTH = 14;

    @ParameterizedTest
    @ValueSource(strings = {"weights-x2.safetensors", "weights-x4.safetensors"})
    void shippedWeightsGiveTheSameOutputInBoth(String file) throws Exception {
        Map<String, FloatTensor> weights = SafeTensors.readAll(Path.of("..", "models", "vsr-small", file));
        RecurrentSrArchitecture arch = RecurrentSrPackage.architectureOf(weights);
        byte[] graph = RecurrentSrGraph.build(arch, weights);
        Random random = new Random(7);
        float[] frame1 = randomImage(random);
        float[] frame2 = randomImage(random);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(graph, new OrtSession.SessionOptions())) {
            DjlRecurrentSr.Result djl1 = DjlRecurrentSr.forward(arch, weights, frame1, null, null, HEIGHT, WIDTH);
            float[][] ort1 = run(env, session, arch, frame1, frame1, new float[arch.hiddenChannels() * HEIGHT * WIDTH]);
            assertClose(djl1.output(), ort1[0], "output of frame 1");
            assertClose(djl1.hiddenOut(), ort1[1], "hidden state after frame 1");
            DjlRecurrentSr.Result djl2 = DjlRecurrentSr.forward(arch, weights, frame2, frame1, djl1.hiddenOut(),
                    HEIGHT, WIDTH);
            float[][] ort2 = run(env, session, arch, frame2, frame1, ort1[1]);
            assertClose(djl2.output(), ort2[0], "output of frame 2");
            assertClose(djl2.hiddenOut(), ort2[1], "hidden state after frame 2");
        }
    }

    private static float[] randomImage(Random random) {
        float[] image = new float[3 * HEIGHT * WIDTH];
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextFloat();
        }
        return image;
    }

    private static float[][] run(OrtEnvironment env, OrtSession session, RecurrentSrArchitecture arch, float[] current,
            float[] previous, float[] hidden) throws Exception {
        Map<String, OnnxTensor> inputs = new TreeMap<>();
        inputs.put(RecurrentSrArchitecture.INPUT_CURRENT,
                OnnxTensor.createTensor(env, FloatBuffer.wrap(current), new long[] {1, 3, HEIGHT, WIDTH}));
        inputs.put(RecurrentSrArchitecture.INPUT_PREVIOUS,
                OnnxTensor.createTensor(env, FloatBuffer.wrap(previous), new long[] {1, 3, HEIGHT, WIDTH}));
        inputs.put(RecurrentSrArchitecture.INPUT_HIDDEN, OnnxTensor.createTensor(env, FloatBuffer.wrap(hidden),
                new long[] {1, arch.hiddenChannels(), HEIGHT, WIDTH}));
        try (OrtSession.Result result = session.run(inputs)) {
            float[] output = copy((OnnxTensor) result.get(RecurrentSrArchitecture.OUTPUT_IMAGE).get());
            float[] hiddenOut = copy((OnnxTensor) result.get(RecurrentSrArchitecture.OUTPUT_HIDDEN).get());
            return new float[][] {output, hiddenOut};
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static float[] copy(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": size");
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE, what + ": DJL and ONNX Runtime differ by up to " + worst);
    }
}
