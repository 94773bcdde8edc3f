package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DiT graphs in ONNX Runtime against the golden 4-call streaming run (README section 3). */
class DitGraphTest {
    private static final float TOLERANCE = 1e-4f;
    private static DitGolden golden;
    private static DitConstants constants;

    @BeforeAll
    static void open() throws Exception {
        golden = DitGolden.open();
        constants = golden.constants();
    }

    @AfterAll
    static void close() throws Exception {
        golden.close();
    }

    @Test
    void denseAttentionMatchesGoldenEveryCall() throws Exception {
        List<Map<String, DitOrtValues.Value>> out = DitStreamRun.run(golden, constants, ComputeType.FP32,
                call -> BlockMaskBuilder.dense(), true);
        // Cache layout: [1, heads, groups x S blocks x 128 tokens (block order, oldest group first), head_dim].
        int groupTokens = (golden.latentHeight / golden.dims.patchH()) * (golden.latentWidth / golden.dims.patchW())
                * golden.dims.blockFrames();
        long[] cacheShape = {1, golden.dims.heads(), (long) golden.firstChunkGroups() * groupTokens,
            golden.dims.headDim()};
        for (int call = 0; call < out.size(); call++) {
            float err = StepRunner.maxAbsDiff(golden.dense.readTensor("call" + call + ".noise_pred").data(),
                    out.get(call).get("noise_pred").toFloats());
            System.out.printf("dense FP32 call %d: max |noise_pred - golden| = %.3g%n", call, err);
            assertTrue(err <= TOLERANCE, "call " + call + ": " + err);
            assertEquals(1 + 3 * golden.dims.layers(), out.get(call).size(), "noise_pred, 2 caches and a mask per layer");
            for (int l = 0; l < golden.dims.layers(); l++) {
                assertArrayEquals(cacheShape, out.get(call).get("k_cache_" + l + "_out").shape());
                assertArrayEquals(cacheShape, out.get(call).get("v_cache_" + l + "_out").shape());
                DitOrtValues.Value mask = out.get(call).get("block_mask_" + l);
                boolean[] all = new boolean[mask.toBooleans().length];
                Arrays.fill(all, true);
                assertArrayEquals(all, mask.toBooleans());
            }
        }
    }

    @Test
    void goldenBlockMasksReproduceLcsaOutputsEveryCall() throws Exception {
        List<Map<String, DitOrtValues.Value>> out = DitStreamRun.run(golden, constants, ComputeType.FP32,
                call -> goldenMasks(golden.lcsa, call), true);
        for (int call = 0; call < out.size(); call++) {
            float err = StepRunner.maxAbsDiff(golden.lcsa.readTensor("call" + call + ".noise_pred").data(),
                    out.get(call).get("noise_pred").toFloats());
            System.out.printf("LCSA (golden masks) FP32 call %d: max |noise_pred - golden| = %.3g%n", call, err);
            assertTrue(err <= TOLERANCE, "call " + call + ": " + err);
            for (int l = 0; l < golden.dims.layers(); l++) {
                FloatTensor expected = golden.lcsa.readTensor("call" + call + ".block_mask.layer" + l);
                DitOrtValues.Value mask = out.get(call).get("block_mask_" + l);
                assertArrayEquals(expected.shape(), mask.shape());
                assertArrayEquals(booleans(expected.data()), mask.toBooleans());
            }
        }
    }

    /** The whole DiT with its own LCSA subgraph: block masks bit-identical, outputs within tolerance. */
    @Test
    void lcsaSubgraphReproducesGoldenMasksAndOutputsEveryCall() throws Exception {
        int localRange = golden.run.get("local_range").asInt();
        double topkRatio = golden.run.get("topk_ratio").asDouble();
        BlockMaskBuilder lcsa = (b, layer, q, k, layout) -> LcsaMask.build(b, q, k, new LcsaParams(layout.blockRows(),
                layout.blockCols(), layout.queryGroups(), layout.keyGroups(), localRange, topkRatio));
        List<Map<String, DitOrtValues.Value>> out = DitStreamRun.run(golden, constants, ComputeType.FP32,
                call -> lcsa, true);
        for (int call = 0; call < out.size(); call++) {
            float err = StepRunner.maxAbsDiff(golden.lcsa.readTensor("call" + call + ".noise_pred").data(),
                    out.get(call).get("noise_pred").toFloats());
            System.out.printf("LCSA (in-graph masks) FP32 call %d: max |noise_pred - golden| = %.3g%n", call, err);
            assertTrue(err <= TOLERANCE, "call " + call + ": " + err);
            for (int l = 0; l < golden.dims.layers(); l++) {
                FloatTensor expected = golden.lcsa.readTensor("call" + call + ".block_mask.layer" + l);
                DitOrtValues.Value mask = out.get(call).get("block_mask_" + l);
                assertArrayEquals(expected.shape(), mask.shape());
                assertArrayEquals(booleans(expected.data()), mask.toBooleans(), "call " + call + " layer " + l);
            }
        }
    }

    @Test
    void externalWeightsGiveTheSameOutputs(@TempDir Path dir) throws Exception {
        DitGraphSpec spec = golden.spec(0, ComputeType.FP32, BlockMaskBuilder.dense());
        OnnxGraphBuilder b = new OnnxGraphBuilder("flashvsr_dit").externalData(dir.resolve("dit.data"), 1024);
        DitGraph.build(b, golden.weights, constants, golden.dims, spec);
        Path model = dir.resolve("dit.onnx");
        b.save(model);
        assertTrue(Files.size(model) < Files.size(dir.resolve("dit.data")), "the weights live in the data file");
        FloatTensor x = golden.inputs.readTensor("call0.x");
        FloatTensor lq = golden.inputs.readTensor("call0.lq_tokens");
        long[] positions = golden.positions(0);
        Map<String, DitOrtValues.Value> in = Map.of("x", DitOrtValues.Value.floats(x.data(), x.shape()),
                "lq_tokens", DitOrtValues.Value.floats(lq.data(), lq.shape()),
                "t_positions", DitOrtValues.Value.longs(positions, positions.length));
        try (OrtSession external = DitOrtValues.session(model.toString());
                OrtSession embedded = DitOrtValues.session(DitGraph.build(golden.weights, constants, golden.dims, spec)
                        .toByteArray())) {
            assertArrayEquals(DitOrtValues.run(embedded, in).get("noise_pred").toFloats(),
                    DitOrtValues.run(external, in).get("noise_pred").toFloats());
        }
    }

    /** A mask builder that returns the golden mask of {@code call} as a constant. */
    static BlockMaskBuilder goldenMasks(SafeTensorsFile lcsa, int call) {
        return (b, layer, q, k, layout) -> {
            FloatTensor mask = lcsa.readTensor("call" + call + ".block_mask.layer" + layer);
            long[] shape = {layout.heads(), layout.queryBlocks(), layout.keyBlocks()};
            assertArrayEquals(shape, mask.shape(), "golden mask shape of call " + call + " layer " + layer);
            return b.boolInitializer(b.fresh("golden_block_mask_" + layer), booleans(mask.data()), shape);
        };
    }

    private static boolean[] booleans(float[] values) {
        boolean[] out = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] != 0;
        }
        return out;
    }
}
