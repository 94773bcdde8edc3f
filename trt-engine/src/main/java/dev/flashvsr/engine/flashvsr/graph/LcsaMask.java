package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.util.List;

/**
 * The LCSA block mask (upstream's draft block mask) as one ONNX subgraph, so that a TensorRT plugin
 * can later replace it at a single entry point, {@link #build}.
 *
 * <p>Inputs: q [heads, queryBlocks*128, head_dim] and k [heads, keyBlocks*128, head_dim], float,
 * post-RoPE, in block order (the 128 tokens of a block are consecutive; blocks numbered
 * time-group-major, then row-major over the {@code blockRows x blockCols} grid). Steps: mean-pool
 * each block; score = q_b . k_b / sqrt(head_dim); key blocks outside the {@link LocalBlockMask}
 * of the query block (tiled over the time groups, no temporal limit) get -inf; softmax over all key
 * blocks; then per (head, query time group) the flattened [S x keyBlocks] matrix keeps the entries
 * strictly above its (k+1)-th largest value ({@link LcsaSelection}; masked entries are 0 and never
 * kept). Output: BOOL [heads, queryBlocks, keyBlocks].
 */
public final class LcsaMask {
    /** Tokens per block: 2 latent frames x 8 x 8. */
    public static final int BLOCK_TOKENS = 128;

    private LcsaMask() {
    }

    /** The block mask, with the TensorRT-friendly bisection selection. */
    public static String build(OnnxGraphBuilder b, String q, String k, LcsaParams p) {
        return build(b, q, k, p, LcsaSelection.Form.BISECTION);
    }

    /** The block mask, selecting with {@code form} (TOPK for ONNX Runtime cross-checks). */
    public static String build(OnnxGraphBuilder b, String q, String k, LcsaParams p, LcsaSelection.Form form) {
        GraphOps ops = new GraphOps(b, ComputeType.FP32, "lcsa_");
        String grouped = ops.reshape(blockProbabilities(b, q, k, p), 0, p.queryGroups(), p.groupEntries());
        String selected = LcsaSelection.strictlyAboveRank(b, grouped, p.k(), form);
        return ops.reshape(selected, 0, p.queryBlocks(), p.keyBlocks());
    }

    /**
     * The masked block softmax [heads, queryBlocks, keyBlocks] (float) that the selection ranks;
     * exposed so tests can compare it and rank it themselves.
     */
    public static String blockProbabilities(OnnxGraphBuilder b, String q, String k, LcsaParams p) {
        GraphOps ops = new GraphOps(b, ComputeType.FP32, "lcsa_");
        String pooledQ = pool(ops, q, p.queryBlocks());
        String pooledK = pool(ops, k, p.keyBlocks());
        String scores = ops.op("MatMul", List.of(pooledQ,
                ops.op("Transpose", List.of(pooledK), OnnxGraphBuilder.ints("perm", 0, 2, 1))));
        String headDim = ops.cast(ops.op("Slice", List.of(ops.op("Shape", List.of(q)),
                b.int64Initializer(b.fresh("lcsa_starts"), 2), b.int64Initializer(b.fresh("lcsa_ends"), 3))),
                TensorProto.DataType.FLOAT);
        String scaled = ops.op("Div", List.of(scores, ops.op("Sqrt", List.of(headDim))));
        String localBias = b.initializer(b.fresh("lcsa_local_bias"), localBias(p), p.queryBlocks(), p.keyBlocks());
        return ops.op("Softmax", List.of(ops.add(scaled, localBias)), OnnxGraphBuilder.intAttr("axis", -1));
    }

    /** [heads, blocks*128, d] to the block means [heads, blocks, d]. */
    private static String pool(GraphOps ops, String x, int blocks) {
        return ops.op("ReduceMean", List.of(ops.reshape(x, 0, blocks, BLOCK_TOKENS, -1)),
                OnnxGraphBuilder.ints("axes", 2), OnnxGraphBuilder.intAttr("keepdims", 0));
    }

    /** 0 where the local mask allows the block pair, -inf elsewhere, tiled over the time groups. */
    static float[] localBias(LcsaParams p) {
        boolean[][] local = LocalBlockMask.of(p.blockRows(), p.blockCols(), p.localRange());
        int s = p.spatialBlocks();
        float[] bias = new float[p.queryBlocks() * p.keyBlocks()];
        for (int qb = 0; qb < p.queryBlocks(); qb++) {
            for (int kb = 0; kb < p.keyBlocks(); kb++) {
                bias[qb * p.keyBlocks() + kb] = local[qb % s][kb % s] ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        return bias;
    }
}
