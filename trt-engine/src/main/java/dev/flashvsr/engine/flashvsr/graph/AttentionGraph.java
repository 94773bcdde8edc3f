package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Scaled dot-product attention over heads: scores and the weighted sum are products in the
 * compute type, the softmax runs in float32. With a block mask, scores are viewed as
 * [heads, query blocks, block tokens, key blocks, block tokens] so the [heads, query blocks,
 * key blocks] mask broadcasts without a per-token mask tensor.
 */
final class AttentionGraph {
    /** Added to the scores of masked blocks; exp() of it is exactly 0 next to any real score. */
    private static final float MASKED_SCORE = -1e30f;

    private AttentionGraph() {
    }

    /**
     * @param q    float32 [heads, queries, head_dim], already multiplied by 1/sqrt(head_dim)
     * @param kT   compute type [heads, head_dim, keys]
     * @param v    compute type [heads, keys, head_dim]
     * @param mask BOOL [heads, query blocks, key blocks] of {@code layout}, or null for none
     * @return compute type [queries, heads * head_dim]
     */
    static String attend(GraphOps ops, String q, String kT, String v, String mask, AttentionBlockLayout layout,
            int heads, int queries, int headDim) {
        String scores = ops.toFloat(ops.matMul(ops.toCompute(q), kT));
        String weights = mask == null ? ops.softmax(scores) : maskedSoftmax(ops, scores, mask, layout);
        String out = ops.matMul(ops.toCompute(weights), v);
        return ops.reshape(ops.transpose(out, 1, 0, 2), queries, (long) heads * headDim);
    }

    /**
     * Softmax of each query row over the key tokens of its allowed blocks; rows of a query block
     * with no allowed block become 0 (as flash attention's block-sparse kernels give).
     */
    private static String maskedSoftmax(GraphOps ops, String scores, String mask, AttentionBlockLayout l) {
        int h = l.heads();
        int t = l.blockTokens();
        String bias = ops.where(mask, ops.scalar(0f), ops.scalar(MASKED_SCORE));
        String blocked = ops.reshape(scores, h, l.queryBlocks(), t, l.keyBlocks(), t);
        String biased = ops.add(blocked, ops.reshape(bias, h, l.queryBlocks(), 1, l.keyBlocks(), 1));
        String weights = ops.softmax(ops.reshape(biased, h, l.queryBlocks(), t, l.keyTokens()));
        String anyAllowed = ops.reduceMax(ops.cast(mask, TensorProto.DataType.FLOAT), 2);
        String kept = ops.mul(weights, ops.reshape(anyAllowed, h, l.queryBlocks(), 1, 1));
        return ops.reshape(kept, h, l.queryTokens(), l.keyTokens());
    }
}
