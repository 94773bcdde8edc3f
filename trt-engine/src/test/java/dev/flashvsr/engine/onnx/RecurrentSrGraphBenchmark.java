package dev.flashvsr.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Speed of the full RecurrentSr graph in ONNX Runtime on the CPU (graph optimization level ALL,
 * intra-op threads as given). Off by default; run with {@code -Dflashvsr.bench=true}, and
 * optionally {@code -Dflashvsr.bench.features=16,24,32}, {@code .layers=4}, {@code .hidden=4},
 * {@code .scale=4}, {@code .threads=2}, {@code .size=320x180}, {@code .bicubic=PHASE_CONV,RESIZE},
 * {@code .rounds=45}. Only one session exists at a time (an idle ONNX Runtime session's
 * spinning worker threads would slow the one being timed); the variants are timed in turn,
 * three times over, so load from other processes affects them alike; the median is reported.
 */
@EnabledIfSystemProperty(named = "flashvsr.bench", matches = "true")
class RecurrentSrGraphBenchmark {

    @Test
    void measure() throws Exception {
        int threads = Integer.getInteger("flashvsr.bench.threads", 2);
        String[] size = System.getProperty("flashvsr.bench.size", "320x180").split("x");
        int w = Integer.parseInt(size[0]);
        int h = Integer.parseInt(size[1]);
        int[] features = Arrays.stream(System.getProperty("flashvsr.bench.features", "16,24,32").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int scale = Integer.getInteger("flashvsr.bench.scale", 4);
        int layers = Integer.getInteger("flashvsr.bench.layers", 4);
        int hidden = Integer.getInteger("flashvsr.bench.hidden", 4);
        int rounds = Integer.getInteger("flashvsr.bench.rounds", 45);
        BicubicMethod[] methods = Arrays.stream(System.getProperty("flashvsr.bench.bicubic", "PHASE_CONV").split(","))
                .map(BicubicMethod::valueOf).toArray(BicubicMethod[]::new);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<String> labels = new ArrayList<>();
        List<RecurrentSrArchitecture> archs = new ArrayList<>();
        List<byte[]> models = new ArrayList<>();
        for (int f : features) {
            for (BicubicMethod bicubic : methods) {
                RecurrentSrArchitecture arch = new RecurrentSrArchitecture(scale, f, layers, hidden);
                archs.add(arch);
                models.add(RecurrentSrGraph.build(arch, RecurrentSrGraphTest.randomWeights(arch, 1), bicubic));
                labels.add(String.format("x%d features %d layers %d hidden %d, %dx%d, %d threads, %s", scale, f,
                        layers, hidden, w, h, threads, bicubic));
            }
        }
        int repeats = 3;
        int perRepeat = Math.max(1, rounds / repeats);
        double[][] times = new double[models.size()][repeats * perRepeat];
        for (int rep = 0; rep < repeats; rep++) {
            for (int i = 0; i < models.size(); i++) {
                Map<String, OnnxTensor> in = inputs(env, archs.get(i), w, h);
                try (OrtSession session = OrtRunner.session(models.get(i), threads)) {
                    for (int k = 0; k < 5; k++) {
                        session.run(in).close();
                    }
                    for (int k = 0; k < perRepeat; k++) {
                        long start = System.nanoTime();
                        session.run(in).close();
                        times[i][rep * perRepeat + k] = (System.nanoTime() - start) / 1e6;
                    }
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
            }
        }
        for (int i = 0; i < models.size(); i++) {
            double[] t = times[i];
            int n = t.length;
            Arrays.sort(t);
            System.out.printf("RecurrentSr %s: median %.1f ms (%.1f fps), quartiles %.1f / %.1f ms, min %.1f ms%n",
                    labels.get(i), t[n / 2], 1000 / t[n / 2], t[n / 4], t[3 * n / 4], t[0]);
        }
    }

    private static Map<String, OnnxTensor> inputs(OrtEnvironment env, RecurrentSrArchitecture arch, int w, int h)
            throws Exception {
        Random random = new Random(1);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put(RecurrentSrArchitecture.INPUT_CURRENT, tensor(env, random, 3, h, w));
        inputs.put(RecurrentSrArchitecture.INPUT_PREVIOUS, tensor(env, random, 3, h, w));
        if (arch.hiddenChannels() > 0) {
            inputs.put(RecurrentSrArchitecture.INPUT_HIDDEN, tensor(env, random, arch.hiddenChannels(), h, w));
        }
        return inputs;
    }

    private static OnnxTensor tensor(OrtEnvironment env, Random random, int c, int h, int w) throws Exception {
        FloatBuffer data = ByteBuffer.allocateDirect(4 * c * h * w).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < c * h * w; i++) {
            data.put(i, random.nextFloat());
        }
        return OnnxTensor.createTensor(env, data, new long[] {1, c, h, w});
    }
}
