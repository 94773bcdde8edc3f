package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.HashMap;
import java.util.Map;

/**
 * The FlashVSR v1.1 DiT (Wan2.1 layout, one denoising step, streaming) as one ONNX graph per
 * call shape: chunk 0 (6 latent frames, no cache) or a later chunk (2 frames after a KV cache).
 * Timestep, modulation and text cross-attention K/V are constants ({@link DitConstants}).
 *
 * <p>Graph inputs (B = 1, T latent frames, h x w latent size, N = T (h/2) (w/2) tokens, C = dim):
 * <ul>
 * <li>{@code x} float [1, 16, T, h, w]: noise latents;
 * <li>{@code lq_tokens} float [1, N, C]: LQ-projector tokens in (frame, row, column) order, added
 *     after patch embedding, before block 0;
 * <li>{@code t_positions} int64 [T]: absolute temporal RoPE positions, gathered from a table of
 *     {@code ropePositions} (1024) entries (chunk 0: 0..5; chunk K: 4+2K, 5+2K). An input so that a
 *     runner can rebase them for unlimited streams: RoPE makes attention depend only on the
 *     differences between query and key positions (cached keys keep the rotation of their call);
 * <li>{@code k_cache_<l>}, {@code v_cache_<l>} (later chunks only), compute type
 *     [1, heads, cacheGroups * S * 128, head_dim]: per-layer keys (after norm_k and RoPE) and values
 *     in attention-block order (see {@link DitTokenGrid}), oldest group first.
 * </ul>
 * Outputs: {@code noise_pred} float [1, 16, T, h, w]; {@code k_cache_<l>_out},
 * {@code v_cache_<l>_out} in the cache layout above (the next call's cache inputs); optionally
 * {@code block_mask_<l>} BOOL [heads, query blocks, key blocks], and the calibration probes
 * {@link LinearQuantization} describes. h and w must be multiples of 16.
 */
public final class DitGraph {
    private DitGraph() {
    }

    /** Builds the graph into a new builder (embedded weights). */
    public static OnnxGraphBuilder build(WeightSource weights, DitConstants constants, DitDims dims, DitGraphSpec spec) {
        OnnxGraphBuilder b = new OnnxGraphBuilder("flashvsr_dit");
        build(b, weights, constants, dims, spec);
        return b;
    }

    /** Builds the graph into {@code b} (which may write its weights as external data). */
    public static void build(OnnxGraphBuilder b, WeightSource weights, DitConstants constants, DitDims dims,
            DitGraphSpec spec) {
        DitTokenGrid grid = DitTokenGrid.of(dims, spec.latentFrames(), spec.latentHeight(), spec.latentWidth());
        GraphOps ops = new GraphOps(b, spec.precision());
        CheckedWeights w = new CheckedWeights(weights);
        TensorProto.DataType cacheType = spec.precision().onnxType();
        int n = grid.tokens();
        int c = dims.dim();
        int t = spec.latentFrames();

        String x = b.input("x", 1, dims.inChannels(), t, spec.latentHeight(), spec.latentWidth());
        String lq = b.input("lq_tokens", 1, n, c);
        String positions = b.typedInput("t_positions", TensorProto.DataType.INT64, t);

        String tokens = ops.add(patchEmbedding(ops, w, dims, grid, x), ops.reshape(lq, n, c));
        String hidden = grid.toBlockOrder(ops, tokens, c);
        RopeEmbedding rope = RopeEmbedding.build(ops, dims, grid, positions);
        DitBlockGraph blocks = new DitBlockGraph(ops, w, constants, dims, grid, rope, spec.masks(), spec.linears(),
                spec.cacheGroups(), spec.droppedGroups(grid.groups()));
        int cachedTokens = spec.cacheGroups() * grid.blocksPerGroup() * grid.tokensPerBlock();
        DitBlockGraph.Result[] results = new DitBlockGraph.Result[dims.layers()];
        for (int l = 0; l < dims.layers(); l++) {
            String kCache = null;
            String vCache = null;
            if (spec.cacheGroups() > 0) {
                kCache = b.typedInput("k_cache_" + l, cacheType, 1, dims.heads(), cachedTokens, dims.headDim());
                vCache = b.typedInput("v_cache_" + l, cacheType, 1, dims.heads(), cachedTokens, dims.headDim());
            }
            results[l] = blocks.apply(l, hidden, kCache, vCache, spec.blockMaskOutputs());
            hidden = results[l].x();
        }

        b.output(head(ops, w, constants, dims, grid, hidden, spec), "noise_pred", 1, dims.outChannels(), t,
                spec.latentHeight(), spec.latentWidth());
        int cacheOut = blocks.cacheOutputTokens();
        for (int l = 0; l < dims.layers(); l++) {
            b.typedOutput(results[l].kCache(), "k_cache_" + l + "_out", cacheType, 1, dims.heads(), cacheOut,
                    dims.headDim());
            b.typedOutput(results[l].vCache(), "v_cache_" + l + "_out", cacheType, 1, dims.heads(), cacheOut,
                    dims.headDim());
        }
        if (spec.blockMaskOutputs()) {
            AttentionBlockLayout layout = blocks.layout();
            for (int l = 0; l < dims.layers(); l++) {
                b.typedOutput(results[l].blockMask(), "block_mask_" + l, TensorProto.DataType.BOOL, dims.heads(),
                        layout.queryBlocks(), layout.keyBlocks());
            }
        }
        // Layers with one input (q, k, v) share their probes: an output renames its value, so the
        // later outputs of that value read it under its first output's name.
        Map<String, String> outputNames = new HashMap<>();
        String[] prefixes = {LinearQuantization.ABS_MAX_PREFIX, LinearQuantization.PERCENTILE_PREFIX};
        for (Map.Entry<String, String[]> probe : blocks.probes().entrySet()) {
            for (int i = 0; i < prefixes.length; i++) {
                String value = probe.getValue()[i];
                String output = b.output(outputNames.getOrDefault(value, value), prefixes[i] + probe.getKey());
                outputNames.putIfAbsent(value, output);
            }
        }
        b.metadata("flashvsr.dit.latent_frames", Integer.toString(t))
                .metadata("flashvsr.dit.latent_size", spec.latentHeight() + "x" + spec.latentWidth())
                .metadata("flashvsr.dit.cache_groups_in", Integer.toString(spec.cacheGroups()))
                .metadata("flashvsr.dit.cache_tokens_out", Integer.toString(cacheOut))
                .metadata("flashvsr.dit.precision", spec.precision().name())
                .metadata("flashvsr.dit.int8_linears", Integer.toString(spec.linears().inputScales().size()));
    }

    /** Conv3d with kernel = stride = (1, ph, pw) as a product: [1, C, T, h, w] to tokens [N, dim] in (f, h, w) order. */
    private static String patchEmbedding(GraphOps ops, CheckedWeights w, DitDims dims, DitTokenGrid grid, String x) {
        int ph = dims.patchH();
        int pw = dims.patchW();
        int patch = dims.inChannels() * ph * pw;
        String split = ops.reshape(x, dims.inChannels(), grid.frames(), grid.rows(), ph, grid.cols(), pw);
        String patches = ops.reshape(ops.transpose(split, 1, 2, 4, 0, 3, 5), grid.tokens(), patch);
        CheckedWeights.Linear conv = new CheckedWeights.Linear(
                w.tensor("patch_embedding.weight", dims.dim(), dims.inChannels(), 1, ph, pw),
                w.tensor("patch_embedding.bias", dims.dim()), patch, dims.dim());
        return ops.linear(patches, "patch_embedding", conv);
    }

    /**
     * Head: Linear(LN(x) (1 + scale) + shift), then unpatchify: token features are (ph, pw, channel),
     * channel fastest, giving [1, out, T, h, w].
     */
    private static String head(GraphOps ops, CheckedWeights w, DitConstants constants, DitDims dims, DitTokenGrid grid,
            String x, DitGraphSpec spec) {
        int features = dims.patchFeatures();
        String normed = ops.modulate(ops.layerNorm(x, dims.dim(), dims.eps(), null, null), constants.headModulation(),
                0, 1, dims.dim());
        String out = ops.linear(normed, "head.head", w.linear("head.head", dims.dim(), features));
        String ordered = grid.fromBlockOrder(ops, out, features);
        String split = ops.reshape(ordered, grid.frames(), grid.rows(), grid.cols(), dims.patchH(), dims.patchW(),
                dims.outChannels());
        return ops.reshape(ops.transpose(split, 5, 0, 1, 3, 2, 4), 1, dims.outChannels(), grid.frames(),
                spec.latentHeight(), spec.latentWidth());
    }
}
