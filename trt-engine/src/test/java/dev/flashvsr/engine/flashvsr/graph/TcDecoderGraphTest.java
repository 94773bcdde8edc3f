package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TCDecoder step graphs against the golden 3-call streaming run (README section 2). */
class TcDecoderGraphTest {
    static final float TOLERANCE = 1e-4f;
    /** FP16 weights and activations, float32 clamp: measured 2.5e-3 on this data. */
    static final float FP16_TOLERANCE = 1e-2f;

    static SafeTensorsFile weights;
    static SafeTensorsFile inputs;
    static SafeTensorsFile outputs;
    static TcDecoderParams params;
    static int calls;

    @BeforeAll
    static void open() throws Exception {
        Path dir = GoldenData.root().resolve("tcdecoder");
        weights = SafeTensors.open(dir.resolve("weights.safetensors"));
        inputs = SafeTensors.open(dir.resolve("inputs.safetensors"));
        outputs = SafeTensors.open(dir.resolve("outputs.safetensors"));
        params = GoldenConfig.tcDecoder();
        calls = (int) inputs.names().stream().filter(n -> n.endsWith(".latents")).count();
    }

    @AfterAll
    static void close() throws Exception {
        weights.close();
        inputs.close();
        outputs.close();
    }

    /**
     * The golden run as the runner drives it: one graph per latent frame count (T = 6, then 2),
     * zero memories at the start, cond padded with copies of frame 0 and the first
     * {@code frames_to_trim} frames dropped on the first call, memories carried between calls.
     * Returns each call's frames after trimming.
     */
    static List<float[]> stream(ComputeType precision) throws Exception {
        Map<Long, TcDecoderGraph> graphs = new HashMap<>();
        Map<String, float[]> memories = new HashMap<>();
        List<float[]> frames = new ArrayList<>();
        for (int k = 0; k < calls; k++) {
            FloatTensor latents = inputs.readTensor("call" + k + ".latents");
            FloatTensor cond = inputs.readTensor("call" + k + ".cond");
            long[] ls = latents.shape();
            long[] cs = cond.shape();
            TcDecoderGraph graph = graphs.computeIfAbsent(ls[1], t -> TcDecoderGraph.build(weights, params,
                    (int) ls[1], (int) ls[3], (int) ls[4], precision));
            if (k == 0) {
                graph.states().forEach(s -> memories.put(s.input(), new float[s.size()]));
            }
            Map<String, float[]> feed = new HashMap<>(memories);
            feed.put(TcDecoderGraph.LATENTS, latents.data());
            feed.put(TcDecoderGraph.COND, TcDecoderGraph.padCond(cond.data(), (int) cs[2], (int) cs[3], (int) cs[4],
                    params));
            Map<String, float[]> out;
            try (StepRunner runner = new StepRunner(graph.model())) {
                out = runner.run(feed);
            }
            graph.states().forEach(s -> memories.put(s.input(), out.get(s.output())));
            float[] all = out.get(TcDecoderGraph.FRAMES);
            int trim = k == 0 ? params.framesToTrim() : 0;
            long[] fs = graph.framesShape();
            int frameSize = (int) (fs[2] * fs[3] * fs[4]);
            frames.add(Arrays.copyOfRange(all, trim * frameSize, all.length));
        }
        return frames;
    }

    static float maxError(List<float[]> frames) {
        float max = 0;
        for (int k = 0; k < frames.size(); k++) {
            float[] golden = outputs.readTensor("call" + k + ".frames").data();
            max = Math.max(max, StepRunner.maxAbsDiff(frames.get(k), golden));
        }
        return max;
    }

    @Test
    void goldenThreeCallStream() throws Exception {
        float error = maxError(stream(ComputeType.FP32));
        System.out.printf("TCDecoder FP32: max abs error %.3g over %d calls%n", error, calls);
        assertTrue(error <= TOLERANCE, "max abs error " + error);
    }

    @Test
    void interfaceNamesAndShapes() throws Exception {
        FloatTensor latents = inputs.readTensor("call1.latents");
        long[] ls = latents.shape();
        int t = (int) ls[1];
        int h = (int) ls[3];
        int w = (int) ls[4];
        TcDecoderGraph graph = TcDecoderGraph.build(weights, params, t, h, w, ComputeType.FP32);
        int space = params.spaceFactor();
        int perLatent = params.framesPerLatent();
        assertArrayEquals(ls, graph.latentsShape());
        assertArrayEquals(inputs.readTensor("call1.cond").shape(), graph.condShape());
        assertArrayEquals(outputs.readTensor("call1.frames").shape(), graph.framesShape());
        List<String> names = graph.states().stream().map(GraphState::input).toList();
        assertEquals(List.of("mem_5", "mem_6", "mem_7", "mem_11", "mem_12", "mem_13", "mem_17", "mem_18", "mem_19"),
                names);
        // Each memory is [1, C, h', w'] at its block's resolution: C from the block's last conv.
        int[] scale = {1, 1, 1, 2, 2, 2, 4, 4, 4};
        for (int i = 0; i < names.size(); i++) {
            GraphState s = graph.states().get(i);
            long c = weights.info("decoder." + s.input().substring(4) + ".conv.4.weight").shape()[0];
            assertArrayEquals(new long[] {1, c, (long) h * scale[i], (long) w * scale[i]}, s.shape(), s.input());
            assertEquals(s.input() + "_out", s.output());
        }
        try (StepRunner runner = new StepRunner(graph.model())) {
            List<String> in = new ArrayList<>(List.of("latents", "cond"));
            in.addAll(names);
            assertEquals(in, runner.inputNames());
            List<String> out = new ArrayList<>(List.of("frames"));
            names.forEach(n -> out.add(n + "_out"));
            assertEquals(out, runner.outputNames());
        }
        assertEquals((long) perLatent * t, graph.framesShape()[1]);
        assertEquals((long) space * h, graph.framesShape()[3]);
    }

    @Test
    void condPaddingPrependsFrameZero() throws Exception {
        FloatTensor cond = inputs.readTensor("call0.cond");
        long[] s = cond.shape();
        int frames = (int) s[2];
        int plane = (int) (s[3] * s[4]);
        int group = params.condPixelShuffle().get(0);
        float[] padded = TcDecoderGraph.padCond(cond.data(), frames, (int) s[3], (int) s[4], params);
        int total = padded.length / (3 * plane);
        assertEquals(0, total % group);
        assertTrue(total - frames < group);
        for (int c = 0; c < 3; c++) {
            for (int f = 0; f < total; f++) {
                int source = Math.max(0, f - (total - frames));
                assertArrayEquals(Arrays.copyOfRange(cond.data(), (c * frames + source) * plane,
                        (c * frames + source + 1) * plane),
                        Arrays.copyOfRange(padded, (c * total + f) * plane, (c * total + f + 1) * plane));
            }
        }
    }

    @Test
    void fp16GraphsMatchGoldenWithinHalfPrecision() throws Exception {
        float error = maxError(stream(ComputeType.FP16));
        System.out.printf("TCDecoder FP16: max abs error %.3g%n", error);
        assertTrue(error <= FP16_TOLERANCE, "max abs error " + error);
    }

    /** ONNX Runtime's CPU provider cannot run BF16 convolutions: checked structurally instead. */
    @Test
    void bf16GraphIsWellTyped() throws Exception {
        long[] ls = inputs.readTensor("call0.latents").shape();
        for (ComputeType precision : ComputeType.values()) {
            byte[] model = TcDecoderGraph.build(weights, params, (int) ls[1], (int) ls[3], (int) ls[4], precision)
                    .model();
            GraphStructure.check(model, precision);
            if (precision == ComputeType.BF16) {
                StepRunner.assertValidButNotImplementedOnCpu(model);
            }
        }
    }
}
