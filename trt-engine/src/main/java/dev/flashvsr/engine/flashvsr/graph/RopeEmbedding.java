package dev.flashvsr.engine.flashvsr.graph;

/**
 * 3-D rotary embedding of the DiT's queries and keys. Each head's dims are consecutive (real,
 * imaginary) pairs: the first {@code ropeTimeDims / 2} pairs rotate by the latent frame's
 * absolute position, the next {@code ropeSpaceDims / 2} by the token row, the last by the token
 * column. Row and column tables are constants; the frame positions come from the graph input
 * {@code t_positions} (int64 [frames]), so a runner can rebase them for unlimited streams.
 */
final class RopeEmbedding {
    private final int heads;
    private final int headDim;
    private final int tokens;
    private final String cos;
    private final String sin;

    private RopeEmbedding(int heads, int headDim, int tokens, String cos, String sin) {
        this.heads = heads;
        this.headDim = headDim;
        this.tokens = tokens;
        this.cos = cos;
        this.sin = sin;
    }

    /** Gathers the per-token cos/sin [tokens, 1, head_dim / 2, 1] of the block-ordered grid once per graph. */
    static RopeEmbedding build(GraphOps ops, DitDims dims, DitTokenGrid grid, String tPositions) {
        long[][] pos = grid.blockOrderPositions();
        int n = grid.tokens();
        String frame = ops.gather(tPositions, ops.int64s("rope_token_frame", pos[0], n), 0);
        String[] row = {frame, ops.int64s("rope_token_row", pos[1], n), ops.int64s("rope_token_col", pos[2], n)};
        int[] axisDims = {dims.ropeTimeDims(), dims.ropeSpaceDims(), dims.ropeSpaceDims()};
        String[] cosParts = new String[3];
        String[] sinParts = new String[3];
        for (int a = 0; a < 3; a++) {
            RopeTables t = RopeTables.of(dims.ropePositions(), axisDims[a], dims.ropeTheta());
            cosParts[a] = ops.gather(ops.floatConstant("rope_cos_" + a, t.cos(), t.positions(), t.pairs()), row[a], 0);
            sinParts[a] = ops.gather(ops.floatConstant("rope_sin_" + a, t.sin(), t.positions(), t.pairs()), row[a], 0);
        }
        int pairs = dims.headDim() / 2;
        return new RopeEmbedding(dims.heads(), dims.headDim(), n,
                ops.reshape(ops.concat(1, cosParts), n, 1, pairs, 1),
                ops.reshape(ops.concat(1, sinParts), n, 1, pairs, 1));
    }

    /** Rotates {@code x} [tokens, dim] (float32) and returns it per head: [heads, tokens, head_dim]. */
    String apply(GraphOps ops, String x) {
        String pairs = ops.reshape(x, tokens, heads, headDim / 2, 2);
        String re = ops.slice(pairs, 3, 0, 1);
        String im = ops.slice(pairs, 3, 1, 2);
        String outRe = ops.sub(ops.mul(re, cos), ops.mul(im, sin));
        String outIm = ops.add(ops.mul(re, sin), ops.mul(im, cos));
        return ops.transpose(ops.reshape(ops.concat(3, outRe, outIm), tokens, heads, headDim), 1, 0, 2);
    }
}
