package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;

/**
 * LCSA's top-k rule as an ONNX subgraph: along the last axis of a float tensor [..., n], keep the
 * values strictly greater than the (k+1)-th largest value T (counted with multiplicity), so at
 * most k entries survive, fewer when values tie with T.
 *
 * <p>{@link Form#TOPK} reads T from ONNX TopK. TensorRT's TopK accepts K &lt;= 3840 only, while
 * real resolutions need K near 8,000 of about 17,000 entries, so the default {@link
 * Form#BISECTION} finds T exactly without TopK, with 30 counting steps:
 *
 * <p><b>Exactness.</b> The inputs must be floats in [0, 2) (softmax values lie in [0, 1]); on
 * them the IEEE-754 bit pattern, read as an integer code c in [0, 2^30), is strictly increasing
 * in the value. Let Q(c) be "count(x &gt; value(c)) &lt;= k". If value(c) &gt;= T, only entries
 * above T, at most k of them, exceed value(c); if value(c) &lt; T, the k+1 largest all exceed it.
 * So Q is false below code(T) and true from code(T) on, and code(T) = the number of codes where Q
 * is false. The graph builds that number bit by bit, from bit 29 down to bit 0: with p the bits
 * found so far, Q(p + 2^bit - 1) false means all of p .. p + 2^bit - 1 are false, so the bit is
 * set. After 30 steps p = code(T) and value(p) = T exactly, so "x &gt; value(p)" is the top-k
 * rule. Codes are never materialised as integers (ONNX has no bit cast): bits 29..23 are the
 * exponent field e, found first with candidates read from a table of exact floats (the largest
 * float of binade e); bits 22..0 are the mantissa m, and within the fixed binade the candidate
 * value(e, m) = base(e) + m * ulp(e) is computed with one multiplication by an integer below 2^23
 * and one addition whose exact result is a float of that binade, so no step rounds. Counts are
 * sums of 0/1 floats and exact while n &lt; 2^24. Subnormal inputs are handled as the binade e = 0
 * (on hardware that flushes them to zero they are zero, and the argument holds for the flushed
 * values).
 */
public final class LcsaSelection {
    /** How the subgraph finds the threshold. */
    public enum Form {
        /** 30 counting steps with Greater, Cast, ReduceSum and Where; no TopK (TensorRT's K limit). */
        BISECTION,
        /** ONNX TopK with K = k + 1, for cross-checks on ONNX Runtime. */
        TOPK
    }

    private static final int EXPONENT_BITS = 7;
    private static final int MANTISSA_BITS = 23;
    private static final int BINADES = 1 << EXPONENT_BITS;

    private LcsaSelection() {
    }

    /**
     * Returns the name of a BOOL tensor shaped like {@code values} ([..., n], float in [0, 2),
     * n &lt; 2^24 and n &gt; k) that is true where a value is strictly greater than the (k+1)-th
     * largest value of its last-axis row.
     */
    public static String strictlyAboveRank(OnnxGraphBuilder b, String values, int k, Form form) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0 (threshold = the (k+1)-th largest value), got " + k);
        }
        GraphOps ops = new GraphOps(b, ComputeType.FP32, "lcsa_");
        String threshold = form == Form.TOPK ? topkThreshold(ops, values, k) : bisectionThreshold(ops, values, k);
        return ops.greater(values, threshold);
    }

    private static String topkThreshold(GraphOps ops, String values, int k) {
        OnnxGraphBuilder b = ops.graph;
        String count = b.int64Initializer(b.fresh("lcsa_topk_k"), k + 1L);
        List<String> outputs = b.node("TopK", List.of(values, count),
                List.of(b.fresh("lcsa_topk_values"), b.fresh("lcsa_topk_indices")),
                Map.of("axis", OnnxGraphBuilder.intAttr("axis", -1), "largest", OnnxGraphBuilder.intAttr("largest", 1),
                        "sorted", OnnxGraphBuilder.intAttr("sorted", 1)));
        return ops.op("Slice", List.of(outputs.get(0), b.int64Initializer(b.fresh("lcsa_starts"), k),
                b.int64Initializer(b.fresh("lcsa_ends"), k + 1L), b.int64Initializer(b.fresh("lcsa_axes"), -1)));
    }

    private static String bisectionThreshold(GraphOps ops, String values, int k) {
        OnnxGraphBuilder b = ops.graph;
        String kValue = ops.broadcastConstant(k);
        float[] binadeTop = new float[BINADES];
        float[] binadeBase = new float[BINADES];
        float[] binadeUlp = new float[BINADES];
        for (int e = 0; e < BINADES; e++) {
            binadeTop[e] = Float.intBitsToFloat((e << MANTISSA_BITS) | ((1 << MANTISSA_BITS) - 1));
            binadeBase[e] = Float.intBitsToFloat(e << MANTISSA_BITS);
            binadeUlp[e] = ulpOf(e);
        }
        String topTable = b.initializer(b.fresh("lcsa_binade_top"), binadeTop, BINADES);

        // exponent bits: candidate code ((e + 2^j - 1) << 23) | 0x7FFFFF, the top of binade e + 2^j - 1
        String exponent = ops.broadcastConstant(0);
        for (int j = EXPONENT_BITS - 1; j >= 0; j--) {
            String candidate = ops.gather(topTable,
                    ops.cast(ops.add(exponent, ops.broadcastConstant((1 << j) - 1)), TensorProto.DataType.INT64), 0);
            String tooLow = ops.greater(countAbove(ops, values, candidate), kValue);
            exponent = ops.where(tooLow, ops.add(exponent, ops.broadcastConstant(1 << j)), exponent);
        }

        // mantissa bits inside binade e: value(p) = base + m * ulp, candidate value(p + 2^bit - 1)
        String index = ops.cast(exponent, TensorProto.DataType.INT64);
        String threshold = ops.gather(b.initializer(b.fresh("lcsa_binade_base"), binadeBase, BINADES), index, 0);
        String ulp = ops.gather(b.initializer(b.fresh("lcsa_binade_ulp"), binadeUlp, BINADES), index, 0);
        for (int bit = MANTISSA_BITS - 1; bit >= 0; bit--) {
            String candidate = ops.add(threshold, ops.mul(ulp, ops.broadcastConstant((1 << bit) - 1)));
            String tooLow = ops.greater(countAbove(ops, values, candidate), kValue);
            threshold = ops.where(tooLow, ops.add(candidate, ulp), threshold);
        }
        return threshold;
    }

    /** The spacing of the floats in binade e (e = 0: the subnormals, spaced like binade 1). */
    private static float ulpOf(int e) {
        return Math.scalb(1.0f, Math.max(e, 1) - 127 - MANTISSA_BITS);
    }

    /** count(values &gt; threshold) along the last axis, as float, shape [..., 1]. */
    private static String countAbove(GraphOps ops, String values, String threshold) {
        return ops.reduceSumKeepDims(ops.cast(ops.greater(values, threshold), TensorProto.DataType.FLOAT), -1);
    }
}
