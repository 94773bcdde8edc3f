package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.onnx.OnnxGraphBuilder;

/**
 * Chooses which key blocks each query block of a self-attention layer attends to. The graph
 * applies the mask as the reference does: per head, softmax over the key tokens of allowed blocks
 * only; a query block with no allowed key block gets a zero output.
 */
public interface BlockMaskBuilder {

    /**
     * Adds the nodes computing the mask of layer {@code layer} and returns the name of a BOOL
     * tensor [heads, queryBlocks, keyBlocks] (true = attend).
     *
     * @param q float32 [heads, queryTokens, head_dim]: the queries after RMSNorm and RoPE, in block
     *          order, not scaled
     * @param k float32 [heads, keyTokens, head_dim]: the keys likewise (cache first, then current)
     *          (both are final when this is called, so a builder may declare them graph outputs)
     */
    String build(OnnxGraphBuilder b, int layer, String q, String k, AttentionBlockLayout layout);

    /**
     * True when every block is always allowed: attention then applies no mask (a plain softmax,
     * which runtimes fuse best), and {@link #build} is called only for the optional mask outputs.
     */
    default boolean allowsAllBlocks() {
        return false;
    }

    /** Dense attention: every key block for every query block. */
    static BlockMaskBuilder dense() {
        return new BlockMaskBuilder() {
            @Override
            public String build(OnnxGraphBuilder b, int layer, String q, String k, AttentionBlockLayout layout) {
                boolean[] all = new boolean[layout.heads() * layout.queryBlocks() * layout.keyBlocks()];
                java.util.Arrays.fill(all, true);
                return b.boolInitializer(b.fresh("dense_block_mask_" + layer), all, layout.heads(),
                        layout.queryBlocks(), layout.keyBlocks());
            }

            @Override
            public boolean allowsAllBlocks() {
                return true;
            }
        };
    }
}
