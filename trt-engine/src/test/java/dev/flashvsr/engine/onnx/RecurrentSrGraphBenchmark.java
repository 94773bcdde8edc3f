package dev.flashvsr.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Speed of the full RecurrentSr graph in ONNX Runtime on the CPU. Off by default; run with
 * {@code -Dflashvsr.bench=true} (optionally {@code -Dflashvsr.bench.features=16,24,32},
 * {@code -Dflashvsr.bench.threads=2}, {@code -Dflashvsr.bench.size=320x180},
 * {@code -Dflashvsr.bench.bicubic=PHASE_CONV,RESIZE}).
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
        BicubicMethod[] methods = Arrays.stream(System.getProperty("flashvsr.bench.bicubic", "PHASE_CONV").split(","))
                .map(BicubicMethod::valueOf).toArray(BicubicMethod[]::new);
        for (int f : features) {
            for (BicubicMethod bicubic : methods) {
                RecurrentSrArchitecture arch = new RecurrentSrArchitecture(scale, f, layers, hidden);
                byte[] model = RecurrentSrGraph.build(arch, RecurrentSrGraphTest.randomWeights(arch, 1), bicubic);
                double[] ms = time(model, arch, w, h, threads, 5, 30);
                System.out.printf("RecurrentSr x%d features %d layers %d hidden %d, %dx%d, %d threads%s: "
                        + "median %.1f ms, mean %.1f ms, min %.1f ms (%.1f fps)%n", scale, f, layers, hidden, w, h,
                        threads, ", bicubic " + bicubic, ms[0], ms[1], ms[2], 1000 / ms[0]);
            }
        }
    }

    /** Returns median, mean and min milliseconds per frame after {@code warmup} runs. */
    static double[] time(byte[] model, RecurrentSrArchitecture arch, int w, int h, int threads, int warmup, int runs)
            throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random random = new Random(1);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OrtSession session = OrtRunner.session(model, threads)) {
            inputs.put(RecurrentSrArchitecture.INPUT_CURRENT, tensor(env, random, 3, h, w));
            inputs.put(RecurrentSrArchitecture.INPUT_PREVIOUS, tensor(env, random, 3, h, w));
            if (arch.hiddenChannels() > 0) {
                inputs.put(RecurrentSrArchitecture.INPUT_HIDDEN, tensor(env, random, arch.hiddenChannels(), h, w));
            }
            for (int i = 0; i < warmup; i++) {
                session.run(inputs).close();
            }
            double[] times = new double[runs];
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                session.run(inputs).close();
                times[i] = (System.nanoTime() - start) / 1e6;
            }
            double mean = Arrays.stream(times).average().orElse(0);
            Arrays.sort(times);
            return new double[] {times[runs / 2], mean, times[0]};
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, Random random, int c, int h, int w) throws Exception {
        FloatBuffer data = ByteBuffer.allocateDirect(4 * c * h * w).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < c * h * w; i++) {
            data.put(i, random.nextFloat());
        }
        return OnnxTensor.createTensor(env, data, new long[] {1, c, h, w});
    }
}
