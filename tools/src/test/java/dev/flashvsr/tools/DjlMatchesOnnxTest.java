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
 * Runtime) give the same output and states over three recurrent frames, for the shipped weights
 * and for random weights with a temporal gate.
 */
class DjlMatchesOnnxTest {
    private static final float TOLERANCE = 1e-4f;
    private static final int HEIGHT = 11;
    private static final int WIDTH = 14;
    private static final int FRAMES = 3;

    @ParameterizedTest
    @ValueSource(strings = {"weights-x2.safetensors", "weights-x4.safetensors"})
    void shippedWeightsGiveTheSameOutputInBoth(String file) throws Exception {
        Map<String, FloatTensor> weights = SafeTensors.readAll(Path.of("..", "models", "vsr-small", file));
        assertSameInBoth(RecurrentSrPackage.architectureOf(weights), weights);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void gatedNetworkGivesTheSameOutputInBoth(int scale) throws Exception {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(scale, 8, 3, 2, true);
        Random random = new Random(scale);
        Map<String, FloatTensor> weights = new TreeMap<>();
        for (int i = 0; i < arch.layers(); i++) {
            float[] w = new float[arch.convOut(i) * arch.convIn(i) * 9];
            float[] b = new float[arch.convOut(i)];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) (random.nextGaussian() * 0.3);
            }
            for (int k = 0; k < b.length; k++) {
                b[k] = (float) (random.nextGaussian() * 0.3);
            }
            if (i == arch.layers() - 1) { // the change channel is in 8-bit levels: weights to match
                int in = arch.convIn(i);
                for (int o = 0; o < arch.convOut(i); o++) {
                    for (int k = 0; k < 9; k++) {
                        w[(o * in + in - 1) * 9 + k] /= 255;
                    }
                }
            }
            weights.put(RecurrentSrArchitecture.weightName(i), new FloatTensor(new long[] {arch.convOut(i), arch.convIn(i), 3, 3}, w));
            weights.put(RecurrentSrArchitecture.biasName(i), new FloatTensor(new long[] {arch.convOut(i)}, b));
        }
        assertEquals(arch, RecurrentSrPackage.architectureOf(weights));
        assertSameInBoth(arch, weights);
    }

    private static void assertSameInBoth(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights)
            throws Exception {
        byte[] graph = RecurrentSrGraph.build(arch, weights);
        Random random = new Random(7);
        int plane = HEIGHT * WIDTH;
        float[] previous = null;
        float[] hidden = new float[arch.hiddenChannels() * plane];
        float[] residual = new float[arch.residualStateChannels() * plane];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(graph, new OrtSession.SessionOptions())) {
            for (int t = 0; t < FRAMES; t++) {
                float[] frame = randomImage(random);
                DjlRecurrentSr.Result djl = DjlRecurrentSr.forward(arch, weights, frame, previous,
                        t == 0 ? null : hidden, t == 0 ? null : residual, HEIGHT, WIDTH);
                float[][] ort = run(env, session, arch, frame, previous == null ? frame : previous, hidden, residual);
                assertClose(djl.output(), ort[0], "output of frame " + t);
                assertClose(djl.hiddenOut(), ort[1], "hidden state after frame " + t);
                assertClose(djl.residualOut(), ort[2], "residual state after frame " + t);
                previous = frame;
                hidden = ort[1];
                residual = ort[2];
            }
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
            float[] previous, float[] hidden, float[] residual) throws Exception {
        Map<String, OnnxTensor> inputs = new TreeMap<>();
        inputs.put(RecurrentSrArchitecture.INPUT_CURRENT,
                OnnxTensor.createTensor(env, FloatBuffer.wrap(current), new long[] {1, 3, HEIGHT, WIDTH}));
        inputs.put(RecurrentSrArchitecture.INPUT_PREVIOUS,
                OnnxTensor.createTensor(env, FloatBuffer.wrap(previous), new long[] {1, 3, HEIGHT, WIDTH}));
        inputs.put(RecurrentSrArchitecture.INPUT_HIDDEN, OnnxTensor.createTensor(env, FloatBuffer.wrap(hidden),
                new long[] {1, arch.hiddenChannels(), HEIGHT, WIDTH}));
        if (arch.temporalGate()) {
            inputs.put(RecurrentSrArchitecture.INPUT_RESIDUAL, OnnxTensor.createTensor(env, FloatBuffer.wrap(residual),
                    new long[] {1, arch.residualStateChannels(), HEIGHT, WIDTH}));
        }
        try (OrtSession.Result result = session.run(inputs)) {
            float[] output = copy((OnnxTensor) result.get(RecurrentSrArchitecture.OUTPUT_IMAGE).get());
            float[] hiddenOut = copy((OnnxTensor) result.get(RecurrentSrArchitecture.OUTPUT_HIDDEN).get());
            float[] residualOut = arch.temporalGate()
                    ? copy((OnnxTensor) result.get(RecurrentSrArchitecture.OUTPUT_RESIDUAL).get()) : new float[0];
            return new float[][] {output, hiddenOut, residualOut};
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
