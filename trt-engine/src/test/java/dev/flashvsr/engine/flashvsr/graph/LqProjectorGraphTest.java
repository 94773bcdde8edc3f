package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.flashvsr.graph.LqProjectorGraph.Variant;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The LQ projector step graph against the golden 4-call stream (README section 1). */
class LqProjectorGraphTest {
    static final float TOLERANCE = 1e-4f;
    /** FP16 weights and convolutions (float32 norms): measured 3.4e-3 on this data. */
    static final float FP16_TOLERANCE = 1e-2f;

    static SafeTensorsFile weights;
    static SafeTensorsFile inputs;
    static SafeTensorsFile outputs;
    static LqProjectorParams params;
    static int height;
    static int width;
    static int calls;

    @BeforeAll
    static void open() throws Exception {
        Path dir = GoldenData.root().resolve("lqproj");
        weights = SafeTensors.open(dir.resolve("weights.safetensors"));
        inputs = SafeTensors.open(dir.resolve("inputs.safetensors"));
        outputs = SafeTensors.open(dir.resolve("outputs.safetensors"));
        params = GoldenConfig.lqProjector();
        long[] shape = inputs.readTensor("call0.video").shape();
        height = (int) shape[3];
        width = (int) shape[4];
        calls = (int) inputs.names().stream().filter(n -> n.endsWith(".video")).count();
    }

    @AfterAll
    static void close() throws Exception {
        weights.close();
        inputs.close();
        outputs.close();
    }

    static LqProjectorGraph graph(Variant variant, ComputeType precision) {
        return LqProjectorGraph.build(weights, params, height, width, variant, precision);
    }

    /** Call 0 from {@code firstCallInputs}, then calls 1.. with the caches carried. */
    static List<Map<String, float[]>> stream(LqProjectorGraph graph) throws Exception {
        List<Map<String, float[]>> results = new ArrayList<>();
        try (StepRunner runner = new StepRunner(graph.model())) {
            List<float[]> first = graph.firstCallInputs(inputs.readTensor("call0.video").data());
            Map<String, float[]> feed = new HashMap<>(Map.of(LqProjectorGraph.VIDEO, first.get(0),
                    LqProjectorGraph.CACHE_CONV1, first.get(1), LqProjectorGraph.CACHE_CONV2, first.get(2)));
            for (int k = 0; k < calls; k++) {
                if (k > 0) {
                    feed.put(LqProjectorGraph.VIDEO, inputs.readTensor("call" + k + ".video").data());
                }
                Map<String, float[]> out = runner.run(feed);
                results.add(out);
                for (GraphState s : graph.states()) {
                    feed.put(s.input(), out.get(s.output()));
                }
            }
        }
        return results;
    }

    /** Max abs error over all golden tensors of the stream (tokens from call 1, caches from call 0). */
    static float maxError(List<Map<String, float[]>> results) {
        float max = 0;
        for (int k = 0; k < results.size(); k++) {
            Map<String, float[]> out = results.get(k);
            String call = "call" + k + ".";
            max = Math.max(max, StepRunner.maxAbsDiff(out.get(LqProjectorGraph.CACHE_CONV1_OUT),
                    outputs.readTensor(call + "cache_conv1_after").data()));
            max = Math.max(max, StepRunner.maxAbsDiff(out.get(LqProjectorGraph.CACHE_CONV2_OUT),
                    outputs.readTensor(call + "cache_conv2_after").data()));
            if (k > 0) {
                max = Math.max(max, StepRunner.maxAbsDiff(out.get(LqProjectorGraph.TOKENS),
                        outputs.readTensor(call + "tokens").data()));
            }
        }
        return max;
    }

    @Test
    void goldenStreamWithFirstCallFromFourCopies() throws Exception {
        LqProjectorGraph graph = graph(Variant.CAUSAL_V1_1, ComputeType.FP32);
        long[] tokens = outputs.readTensor("call1.tokens").shape();
        assertArrayEquals(tokens, graph.tokensShape());
        long[] cache1 = outputs.readTensor("call0.cache_conv1_after").shape();
        long[] cache2 = outputs.readTensor("call0.cache_conv2_after").shape();
        assertEquals(List.of(new GraphState("cache_conv1", "cache_conv1_out", cache1),
                new GraphState("cache_conv2", "cache_conv2_out", cache2)), graph.states());
        try (StepRunner runner = new StepRunner(graph.model())) {
            assertEquals(List.of("video", "cache_conv1", "cache_conv2"), runner.inputNames());
            assertEquals(List.of("tokens", "cache_conv1_out", "cache_conv2_out"), runner.outputNames());
        }
        List<Map<String, float[]>> results = stream(graph);
        float error = maxError(results);
        System.out.printf("LQ projector FP32: max abs error %.3g over %d calls%n", error, calls);
        assertTrue(error <= TOLERANCE, "max abs error " + error);
    }

    @Test
    void firstCallCachesAreFrameZeroShuffled() throws Exception {
        LqProjectorGraph graph = graph(Variant.CAUSAL_V1_1, ComputeType.FP32);
        List<float[]> first = graph.firstCallInputs(inputs.readTensor("call0.video").data());
        // Upstream's conv1 cache after call 0 is the last 2 of the 4 shuffled copies of frame 0.
        assertArrayEquals(outputs.readTensor("call0.cache_conv1_after").data(), first.get(1));
        float[] frame0 = inputs.readTensor("call0.video").data();
        int plane = height * width;
        for (int c = 0; c < params.inDim(); c++) {
            for (int f = 0; f < params.framesPerCall(); f++) {
                float[] copy = java.util.Arrays.copyOfRange(first.get(0), (c * params.framesPerCall() + f) * plane,
                        (c * params.framesPerCall() + f + 1) * plane);
                assertArrayEquals(java.util.Arrays.copyOfRange(frame0, c * plane, (c + 1) * plane), copy);
            }
        }
    }

    /**
     * v1.0 (Buffer_LQ4x_Proj) overwrites each cache with the current call's frames before the
     * convolution. Checked through the golden-proven v1.1 step: v1.0's tokens equal the v1.1
     * step fed caches made from the call's own frames; on the first call those are exactly
     * v1.1's first-call caches, so the two agree; on later calls v1.1 uses the previous frames
     * and the tokens differ.
     */
    @Test
    void bufferVariantUsesTheCallsOwnFrames() throws Exception {
        LqProjectorGraph v10 = graph(Variant.BUFFER_V1_0, ComputeType.FP32);
        LqProjectorGraph v11 = graph(Variant.CAUSAL_V1_1, ComputeType.FP32);
        assertTrue(v10.states().isEmpty());
        int cache = params.cacheFrames();
        try (StepRunner buffer = new StepRunner(v10.model()); StepRunner causal = new StepRunner(v11.model())) {
            assertEquals(List.of("video"), buffer.inputNames());
            assertEquals(List.of("tokens"), buffer.outputNames());
            // First call: 4 copies of frame 0; v1.1's conv2 cache after call 0 is the conv1 stage of those.
            float[] video0 = v11.firstCallInputs(inputs.readTensor("call0.video").data()).get(0);
            float[] v10Tokens = buffer.run(Map.of("video", video0)).get("tokens");
            float[] v11Tokens = causal.run(Map.of("video", video0,
                    "cache_conv1", outputs.readTensor("call0.cache_conv1_after").data(),
                    "cache_conv2", outputs.readTensor("call0.cache_conv2_after").data())).get("tokens");
            float firstCall = StepRunner.maxAbsDiff(v10Tokens, v11Tokens);
            assertTrue(firstCall <= 1e-5f, "first call differs by " + firstCall);

            for (int k = 1; k < calls; k++) {
                FloatTensor video = inputs.readTensor("call" + k + ".video");
                long[] s = video.shape();
                float[] shuffled = LqProjectorGraph.pixelShuffle(video.data(), (int) s[1], (int) s[2], (int) s[3],
                        (int) s[4], params.pixelShuffle());
                float[] ownCache1 = lastFrames(shuffled, params.shuffledChannels(), cache);
                Map<String, float[]> feed = new HashMap<>(Map.of("video", video.data(), "cache_conv1", ownCache1,
                        "cache_conv2", new float[v11.states().get(1).size()]));
                // The conv2 cache output does not depend on cache_conv2: a first pass gives the own stage-1 frames.
                feed.put("cache_conv2", causal.run(feed).get("cache_conv2_out"));
                float[] expected = causal.run(feed).get("tokens");
                float[] tokens = buffer.run(Map.of("video", video.data())).get("tokens");
                float own = StepRunner.maxAbsDiff(tokens, expected);
                assertTrue(own <= 1e-5f, "call " + k + ": v1.0 differs from v1.1 with own-frame caches by " + own);
                float vsCausal = StepRunner.maxAbsDiff(tokens, outputs.readTensor("call" + k + ".tokens").data());
                assertTrue(vsCausal > 1e-2f, "call " + k + ": v1.0 should differ from v1.1, max diff " + vsCausal);
            }
        }
    }

    @Test
    void fp16GraphMatchesGoldenWithinHalfPrecision() throws Exception {
        float error = maxError(stream(graph(Variant.CAUSAL_V1_1, ComputeType.FP16)));
        System.out.printf("LQ projector FP16: max abs error %.3g%n", error);
        assertTrue(error <= FP16_TOLERANCE, "max abs error " + error);
    }

    /** ONNX Runtime's CPU provider cannot run BF16 convolutions: checked structurally instead. */
    @Test
    void bf16GraphIsWellTyped() throws Exception {
        byte[] bf16 = graph(Variant.CAUSAL_V1_1, ComputeType.BF16).model();
        GraphStructure.check(bf16, ComputeType.BF16);
        StepRunner.assertValidButNotImplementedOnCpu(bf16);
        GraphStructure.check(graph(Variant.BUFFER_V1_0, ComputeType.BF16).model(), ComputeType.BF16);
        GraphStructure.check(graph(Variant.CAUSAL_V1_1, ComputeType.FP16).model(), ComputeType.FP16);
        GraphStructure.check(graph(Variant.CAUSAL_V1_1, ComputeType.FP32).model(), ComputeType.FP32);
    }

    @Test
    void errorsNameTheProblem() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> LqProjectorGraph.build(weights, params, height + 8, width, Variant.CAUSAL_V1_1, ComputeType.FP32));
        assertTrue(size.getMessage().contains("multiples"), size.getMessage());
        LqProjectorParams wrongKernel = new LqProjectorParams(params.inDim(), params.pixelShuffle(),
                List.of(3, 3, 3), params.stride(), params.padding());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> LqProjectorGraph.build(weights, wrongKernel, height, width, Variant.CAUSAL_V1_1, ComputeType.FP32));
        assertTrue(shape.getMessage().contains("conv1.weight"), shape.getMessage());
    }

    /** The last {@code n} frames of a [channels, frames, h, w] tensor. */
    static float[] lastFrames(float[] x, int channels, int n) {
        int perChannel = x.length / channels;
        int frameSize = perChannel / (params.framesPerCall() / params.pixelShuffle().get(0));
        float[] out = new float[channels * n * frameSize];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(x, (c + 1) * perChannel - n * frameSize, out, c * n * frameSize, n * frameSize);
        }
        return out;
    }
}
