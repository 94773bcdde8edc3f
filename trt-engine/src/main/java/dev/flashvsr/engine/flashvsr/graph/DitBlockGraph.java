package dev.flashvsr.engine.flashvsr.graph;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Wan2.1 transformer block on block-ordered tokens [tokens, dim] (float32 residual stream):
 * <pre>
 *   x += gate_msa * SelfAttn(LN(x) * (1 + scale_msa) + shift_msa)      (KV cache + block mask)
 *   x += CrossAttn(norm3(x))                                           (K/V of the text: constants)
 *   x += gate_mlp * FFN(LN(x) * (1 + scale_mlp) + shift_mlp)
 * </pre>
 * LN has no affine parameters; norm3 has. Modulation rows come folded from {@link DitConstants}.
 * The Linear layers are built as {@link LinearQuantization} says.
 */
final class DitBlockGraph {
    private final GraphOps ops;
    private final CheckedWeights weights;
    private final DitConstants constants;
    private final DitDims dims;
    private final DitTokenGrid grid;
    private final RopeEmbedding rope;
    private final BlockMaskBuilder masks;
    private final LinearQuantization linears;
    /** Calibration statistics by layer, and by input value (q, k and v share theirs). */
    private final Map<String, String[]> probes = new LinkedHashMap<>();
    private final Map<String, String[]> probedInputs = new HashMap<>();
    private final AttentionBlockLayout layout;
    private final int cachedTokens;
    private final int droppedTokens;

    /**
     * @param cachedGroups  time groups in the KV cache inputs (0: no cache)
     * @param droppedGroups oldest groups of cache + current left out of the cache outputs
     */
    DitBlockGraph(GraphOps ops, CheckedWeights weights, DitConstants constants, DitDims dims, DitTokenGrid grid,
            RopeEmbedding rope, BlockMaskBuilder masks, LinearQuantization linears, int cachedGroups,
            int droppedGroups) {
        this.ops = ops;
        this.weights = weights;
        this.constants = constants;
        this.dims = dims;
        this.grid = grid;
        this.rope = rope;
        this.masks = masks;
        this.linears = linears;
        this.layout = new AttentionBlockLayout(dims.heads(), dims.headDim(), grid.tokensPerBlock(), grid.blockGridRows(),
                grid.blockGridCols(), grid.groups(), cachedGroups + grid.groups());
        int groupTokens = grid.blocksPerGroup() * grid.tokensPerBlock();
        this.cachedTokens = cachedGroups * groupTokens;
        this.droppedTokens = droppedGroups * groupTokens;
    }

    /** Outputs of one block: the new residual stream, the cache outputs [1, heads, tokens, head_dim], the mask (or null). */
    record Result(String x, String kCache, String vCache, String blockMask) {
    }

    AttentionBlockLayout layout() {
        return layout;
    }

    /** Tokens per head in each cache output. */
    int cacheOutputTokens() {
        return layout.keyTokens() - droppedTokens;
    }

    /**
     * @param kCache compute type [1, heads, cached tokens, head_dim], or null without a cache
     * @param wantMask whether to return the block mask even for dense attention
     */
    Result apply(int layer, String x, String kCache, String vCache, boolean wantMask) {
        String p = "blocks." + layer + ".";
        int dim = dims.dim();
        float[] modulation = constants.blockModulation(layer);

        // Self-attention.
        String normed = ops.modulate(ops.layerNorm(x, dim, dims.eps(), null, null), modulation, 0, 1, dim);
        String q = rope.apply(ops, projectNormed(normed, p + "self_attn.q", p + "self_attn.norm_q.weight"));
        String k = ops.toCompute(rope.apply(ops, projectNormed(normed, p + "self_attn.k", p + "self_attn.norm_k.weight")));
        String v = perHead(ops.toCompute(blockLinear(normed, false, p + "self_attn.v", dims.dim())));
        String keys = withCache(kCache, k);
        String values = withCache(vCache, v);
        // Every use of q and keys comes before the mask builder, which may declare them graph outputs (renaming them).
        String scaledQ = ops.mul(q, ops.scalar((float) (1 / Math.sqrt(dims.headDim()))));
        String keysT = ops.transpose(keys, 0, 2, 1);
        String kCacheOut = cacheOutput(keys);
        String vCacheOut = cacheOutput(values);
        String mask = wantMask || !masks.allowsAllBlocks()
                ? masks.build(ops.graph, layer, q, ops.toFloat(keys), layout) : null;
        String attention = AttentionGraph.attend(ops, scaledQ, keysT, values, masks.allowsAllBlocks() ? null : mask,
                layout, dims.heads(), grid.tokens(), dims.headDim());
        String selfOut = blockLinear(attention, true, p + "self_attn.o", dims.dim());
        x = ops.add(x, ops.gate(selfOut, modulation, 2, dim));

        // Cross-attention to the fixed text context.
        String normed3 = ops.layerNorm(x, dim, dims.eps(), weights.read(p + "norm3.weight", dim),
                weights.read(p + "norm3.bias", dim));
        String crossQ = perHead(projectNormed(normed3, p + "cross_attn.q", p + "cross_attn.norm_q.weight"));
        String cross = AttentionGraph.attend(ops, crossQ, crossKeysTransposed(layer), crossValues(layer), null, null,
                dims.heads(), grid.tokens(), dims.headDim());
        x = ops.add(x, blockLinear(cross, true, p + "cross_attn.o", dims.dim()));

        // Feed-forward.
        String normed2 = ops.modulate(ops.layerNorm(x, dim, dims.eps(), null, null), modulation, 3, 4, dim);
        String hidden = ops.geluTanh(blockLinear(normed2, false, p + "ffn.0", dim));
        String ffn = blockLinear(hidden, false, p + "ffn.2", dims.ffnDim());
        x = ops.add(x, ops.gate(ffn, modulation, 5, dim));

        return new Result(x, kCacheOut, vCacheOut, mask);
    }

    /** The calibration statistics of each probed layer's input: {largest |x|, 99.99th percentile}. */
    Map<String, String[]> probes() {
        return probes;
    }

    /**
     * The Linear layer {@code name} on {@code x} [tokens, in] (in the compute type when
     * {@code inComputeType}, else float32), built as {@link #linears} says; output float32.
     */
    private String blockLinear(String x, boolean inComputeType, String name, int in) {
        int out = name.endsWith("ffn.0") ? dims.ffnDim() : dims.dim();
        CheckedWeights.Linear layer = weights.linear(name, in, out);
        if (linears.probes()) {
            probes.put(name, probedInputs.computeIfAbsent(x, value -> ops.absMaxAndPercentile(ops.toFloat(value),
                    (long) grid.tokens() * in)));
        }
        Float scale = linears.inputScale(name);
        if (scale != null) {
            return ops.quantizedLinear(x, name, layer, scale);
        }
        return inComputeType ? ops.linearFromCompute(x, name, layer) : ops.linear(x, name, layer);
    }

    /** RMSNorm(linear(x)) over all dim features (before the head split), float32. */
    private String projectNormed(String x, String linearPrefix, String normWeight) {
        String projected = blockLinear(x, false, linearPrefix, dims.dim());
        return ops.rmsNorm(projected, weights.read(normWeight, dims.dim()), dims.eps());
    }

    /** [tokens, dim] to [heads, tokens, head_dim]. */
    private String perHead(String x) {
        return ops.transpose(ops.reshape(x, grid.tokens(), dims.heads(), dims.headDim()), 1, 0, 2);
    }

    /** The cache input (if any) followed by the current [heads, tokens, head_dim] in the compute type. */
    private String withCache(String cache, String current) {
        if (cache == null) {
            return current;
        }
        return ops.concat(1, ops.reshape(cache, dims.heads(), cachedTokens, dims.headDim()), current);
    }

    private String cacheOutput(String all) {
        String kept = droppedTokens == 0 ? all : ops.slice(all, 1, droppedTokens, layout.keyTokens());
        return ops.reshape(kept, 1, dims.heads(), cacheOutputTokens(), dims.headDim());
    }

    /** Cross keys, times 1/sqrt(head_dim), as [heads, head_dim, L] in the compute type. */
    private String crossKeysTransposed(int layer) {
        float[] k = constants.crossKeys(layer);
        int length = constants.contextLength();
        int hd = dims.headDim();
        float scale = (float) (1 / Math.sqrt(hd));
        float[] kT = new float[k.length];
        for (int l = 0; l < length; l++) {
            for (int h = 0; h < dims.heads(); h++) {
                for (int d = 0; d < hd; d++) {
                    kT[(h * hd + d) * length + l] = k[l * dims.dim() + h * hd + d] * scale;
                }
            }
        }
        return ops.computeConstant("blocks." + layer + ".cross_attn.keys_t", kT, dims.heads(), hd, length);
    }

    /** Cross values as [heads, L, head_dim] in the compute type. */
    private String crossValues(int layer) {
        float[] v = constants.crossValues(layer);
        int length = constants.contextLength();
        int hd = dims.headDim();
        float[] perHead = new float[v.length];
        for (int l = 0; l < length; l++) {
            for (int h = 0; h < dims.heads(); h++) {
                System.arraycopy(v, l * dims.dim() + h * hd, perHead, (h * length + l) * hd, hd);
            }
        }
        return ops.computeConstant("blocks." + layer + ".cross_attn.values", perHead, dims.heads(), length, hd);
    }
}
