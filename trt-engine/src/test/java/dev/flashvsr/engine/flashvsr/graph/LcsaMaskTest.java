package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.onnx.OrtRunner;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The whole block-mask subgraph: its softmax against a double-precision Java reference, its mask
 * against the sort-based top-k rule, the bisection form against the TopK form, and the golden
 * masks' structure. The golden masks themselves need the DiT's q/k and are checked by the DiT
 * tests.
 */
class LcsaMaskTest {
    private record Case(String name, LcsaParams params, int heads, int headDim) {
    }

    private static JsonNode config() throws IOException {
        return new ObjectMapper().readTree(GoldenData.root().resolve("release-layout/config.json").toFile());
    }

    /** The block grids, groups and parameters of the golden DiT and pipeline runs, from config.json and the golden mask shapes. */
    private static List<Case> goldenCases() throws IOException {
        JsonNode c = config();
        JsonNode dit = c.get("dit");
        int heads = dit.get("num_heads").asInt();
        int headDim = dit.get("head_dim").asInt();
        JsonNode patch = dit.get("patch_size");
        JsonNode window = dit.get("attention_block_window_t_h_w");
        int rowDiv = patch.get(1).asInt() * window.get(1).asInt();
        int colDiv = patch.get(2).asInt() * window.get(2).asInt();
        List<Case> cases = new ArrayList<>();
        JsonNode ditTest = c.get("dit_test");
        int rows = ditTest.get("latent_h_w").get(0).asInt() / rowDiv;
        int cols = ditTest.get("latent_h_w").get(1).asInt() / colDiv;
        for (String call : new String[] {"call0", "call1"}) {
            long[] shape = goldenMask("dit/outputs_lcsa.safetensors", call + ".block_mask.layer0").shape();
            cases.add(new Case("dit " + call, new LcsaParams(rows, cols, (int) shape[1] / (rows * cols),
                    (int) shape[2] / (rows * cols), ditTest.get("local_range").asInt(),
                    ditTest.get("topk_ratio").asDouble()), heads, headDim));
        }
        JsonNode pipe = c.get("pipeline_test");
        long[] noise;
        try (SafeTensorsFile f = SafeTensors.open(GoldenData.root().resolve("pipeline/inputs.safetensors"))) {
            noise = f.info("noise").shape();
        }
        int pRows = (int) noise[3] / rowDiv;
        int pCols = (int) noise[4] / colDiv;
        for (String chunk : new String[] {"chunk0", "chunk1"}) {
            long[] shape = goldenMask("pipeline/outputs.safetensors", chunk + ".block_mask.layer0").shape();
            cases.add(new Case("pipeline " + chunk, new LcsaParams(pRows, pCols, (int) shape[1] / (pRows * pCols),
                    (int) shape[2] / (pRows * pCols), pipe.get("local_range").asInt(),
                    pipe.get("topk_ratio").asDouble()), heads, headDim));
        }
        return cases;
    }

    private static FloatTensor goldenMask(String file, String name) throws IOException {
        try (SafeTensorsFile f = SafeTensors.open(GoldenData.root().resolve(file))) {
            return f.readTensor(name);
        }
    }

    /** Tokens = a per-block mean (spread of block scores) plus per-token noise. */
    private static float[] blockTokens(Random r, int heads, int blocks, int headDim) {
        float[] x = new float[heads * blocks * LcsaMask.BLOCK_TOKENS * headDim];
        float[] mean = new float[headDim];
        for (int hb = 0; hb < heads * blocks; hb++) {
            for (int d = 0; d < headDim; d++) {
                mean[d] = (float) (r.nextGaussian() * 1.5 / Math.sqrt(Math.sqrt(headDim)));
            }
            for (int t = 0; t < LcsaMask.BLOCK_TOKENS; t++) {
                for (int d = 0; d < headDim; d++) {
                    x[(hb * LcsaMask.BLOCK_TOKENS + t) * headDim + d] = mean[d] + (float) r.nextGaussian();
                }
            }
        }
        return x;
    }

    /** Runs the subgraph: the mask (as 0/1 floats) and the block softmax. */
    private static Map<String, float[]> run(Case c, float[] q, float[] k, LcsaSelection.Form form)
            throws OrtException {
        LcsaParams p = c.params();
        OnnxGraphBuilder b = new OnnxGraphBuilder("lcsa_mask");
        long qTokens = (long) p.queryBlocks() * LcsaMask.BLOCK_TOKENS;
        long kTokens = (long) p.keyBlocks() * LcsaMask.BLOCK_TOKENS;
        b.input("q", c.heads(), qTokens, c.headDim());
        b.input("k", c.heads(), kTokens, c.headDim());
        String mask = LcsaMask.build(b, "q", "k", p, form);
        b.output(new GraphOps(b, ComputeType.FP32).cast(mask, TensorProto.DataType.FLOAT), "mask", c.heads(), p.queryBlocks(),
                p.keyBlocks());
        b.output(LcsaMask.blockProbabilities(b, "q", "k", p), "probs", c.heads(), p.queryBlocks(), p.keyBlocks());
        return OrtRunner.run(b.toByteArray(), Map.of("q", Map.entry(q, new long[] {c.heads(), qTokens, c.headDim()}),
                "k", Map.entry(k, new long[] {c.heads(), kTokens, c.headDim()})));
    }

    private static boolean[] bits(float[] mask) {
        boolean[] b = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            b[i] = mask[i] != 0;
        }
        return b;
    }

    private static void checkCase(Case c, long seed) throws OrtException {
        LcsaParams p = c.params();
        Random r = new Random(seed);
        float[] q = blockTokens(r, c.heads(), p.queryBlocks(), c.headDim());
        float[] k = blockTokens(r, c.heads(), p.keyBlocks(), c.headDim());
        Map<String, float[]> bisection = run(c, q, k, LcsaSelection.Form.BISECTION);
        Map<String, float[]> topk = run(c, q, k, LcsaSelection.Form.TOPK);
        float[] probs = bisection.get("probs");
        float[] expectedProbs = LcsaReference.probabilities(q, k, c.heads(), c.headDim(), p);
        double maxDiff = 0;
        for (int i = 0; i < probs.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(probs[i] - expectedProbs[i]));
        }
        assertTrue(maxDiff < 1e-6, c.name() + ": block softmax differs from the reference by " + maxDiff);
        int n = p.groupEntries();
        boolean[] mask = bits(bisection.get("mask"));
        assertArrayEquals(LcsaReference.topkRule(probs, n, p.k()), mask,
                c.name() + ": mask is not the top-k rule on the graph's softmax");
        assertArrayEquals(bits(topk.get("mask")), mask, c.name() + ": bisection and TopK forms differ");
        // against the reference softmax, a difference is only allowed where rounding straddles the threshold
        boolean[] referenceMask = LcsaReference.topkRule(expectedProbs, n, p.k());
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != referenceMask[i]) {
                float threshold = kthLargest(expectedProbs, i / n * n, n, p.k());
                assertTrue(Math.abs(expectedProbs[i] - threshold) <= 2 * maxDiff,
                        c.name() + ": entry " + i + " differs from the reference mask away from the threshold");
            }
        }
        boolean[][] local = LocalBlockMask.of(p.blockRows(), p.blockCols(), p.localRange());
        for (int i = 0; i < mask.length; i++) {
            int qb = i / p.keyBlocks() % p.queryBlocks();
            int kb = i % p.keyBlocks();
            assertTrue(local[qb % p.spatialBlocks()][kb % p.spatialBlocks()] || !mask[i],
                    c.name() + ": a locally masked block was selected");
        }
    }

    private static float kthLargest(float[] values, int from, int n, int k) {
        float[] row = java.util.Arrays.copyOfRange(values, from, from + n);
        java.util.Arrays.sort(row);
        return row[n - 1 - k];
    }

    @Test
    void goldenRunShapesMatchTheReferenceAndBothFormsAgree() throws IOException, OrtException {
        long seed = 10;
        for (Case c : goldenCases()) {
            for (int trial = 0; trial < 5; trial++) {
                checkCase(c, seed++);
            }
        }
    }

    @Test
    void realModelShapeMatchesTheReferenceAndBothFormsAgree() throws OrtException {
        // 768x1280 output, chunk k >= 1: 6x10 blocks, 1 query group, 3 cached + 1 current key groups, head_dim 128
        checkCase(new Case("768x1280", new LcsaParams(6, 10, 1, 4, 11, 2.0), 2, 128), 99);
        checkCase(new Case("768x1280 chunk 0", new LcsaParams(6, 10, 3, 3, 9, 1.5), 1, 128), 98);
    }

    /**
     * The golden masks (from the DiT's real q/k) obey the structure the subgraph produces: only
     * locally allowed blocks, and exactly min(k, allowed) per (head, query group), since the
     * golden softmax values have no ties at the threshold (README: gap at least 1.04e-5).
     */
    @Test
    void goldenMasksSelectOnlyAllowedBlocksAndExactlyKPerGroup() throws IOException {
        String[][] masks = {{"dit/outputs_lcsa.safetensors", "dit call0", "call0"},
                {"dit/outputs_lcsa.safetensors", "dit call1", "call1"},
                {"dit/outputs_lcsa.safetensors", "dit call1", "call2"},
                {"dit/outputs_lcsa.safetensors", "dit call1", "call3"},
                {"pipeline/outputs.safetensors", "pipeline chunk0", "chunk0"},
                {"pipeline/outputs.safetensors", "pipeline chunk1", "chunk1"}};
        List<Case> cases = goldenCases();
        int checked = 0;
        for (String[] m : masks) {
            Case c = cases.stream().filter(x -> x.name().equals(m[1])).findFirst().orElseThrow();
            LcsaParams p = c.params();
            boolean[][] local = LocalBlockMask.of(p.blockRows(), p.blockCols(), p.localRange());
            int s = p.spatialBlocks();
            for (int layer = 0; ; layer++) {
                String name = m[2] + ".block_mask.layer" + layer;
                FloatTensor golden;
                try (SafeTensorsFile f = SafeTensors.open(GoldenData.root().resolve(m[0]))) {
                    if (!f.contains(name)) {
                        break;
                    }
                    golden = f.readTensor(name);
                }
                assertArrayEquals(new long[] {c.heads(), p.queryBlocks(), p.keyBlocks()}, golden.shape(), name);
                for (int h = 0; h < c.heads(); h++) {
                    for (int g = 0; g < p.queryGroups(); g++) {
                        int selected = 0;
                        int allowed = 0;
                        for (int a = 0; a < s; a++) {
                            for (int kb = 0; kb < p.keyBlocks(); kb++) {
                                boolean isAllowed = local[a][kb % s];
                                boolean isSelected = golden.data()[(h * p.queryBlocks() + g * s + a) * p.keyBlocks() + kb] != 0;
                                assertTrue(isAllowed || !isSelected, name + ": selected a masked block");
                                allowed += isAllowed ? 1 : 0;
                                selected += isSelected ? 1 : 0;
                            }
                        }
                        assertEquals(Math.min(p.k(), allowed), selected, name + " head " + h + " group " + g);
                    }
                }
                checked++;
            }
        }
        assertEquals(12, checked, "golden block masks checked");
    }
}
