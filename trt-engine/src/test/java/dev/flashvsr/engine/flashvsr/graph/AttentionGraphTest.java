package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Block-masked attention against a direct Java evaluation, including a query block with no allowed key block. */
class AttentionGraphTest {

    @Test
    void maskedSoftmaxUsesAllowedBlocksOnlyAndZeroesEmptyRows() throws Exception {
        AttentionBlockLayout layout = new AttentionBlockLayout(2, 4, 2, 1, 2, 1, 2);
        int heads = layout.heads();
        int hd = layout.headDim();
        int nq = layout.queryTokens();
        int nk = layout.keyTokens();
        boolean[] mask = new boolean[heads * layout.queryBlocks() * layout.keyBlocks()];
        mask[1] = true;          // head 0, query block 0: key blocks 1 and 3; query block 1: none
        mask[3] = true;
        for (int i = layout.queryBlocks() * layout.keyBlocks(); i < mask.length; i++) {
            mask[i] = true;      // head 1: everything
        }
        Random random = new Random(5);
        float[] q = new float[heads * nq * hd];
        float[] k = new float[heads * nk * hd];
        float[] v = new float[heads * nk * hd];
        for (float[] a : new float[][] {q, k, v}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) random.nextGaussian();
            }
        }

        OnnxGraphBuilder b = new OnnxGraphBuilder("attention");
        GraphOps ops = new GraphOps(b, ComputeType.FP32);
        String out = AttentionGraph.attend(ops, b.input("q", heads, nq, hd),
                ops.transpose(b.input("k", heads, nk, hd), 0, 2, 1), b.input("v", heads, nk, hd),
                b.boolInitializer("mask", mask, heads, layout.queryBlocks(), layout.keyBlocks()), layout, heads, nq, hd);
        b.output(out, "out", nq, heads * hd);
        float[] actual;
        try (OrtSession session = DitOrtValues.session(b.toByteArray())) {
            actual = DitOrtValues.run(session, Map.of("q", DitOrtValues.Value.floats(q, heads, nq, hd),
                    "k", DitOrtValues.Value.floats(k, heads, nk, hd), "v", DitOrtValues.Value.floats(v, heads, nk, hd)))
                    .get("out").toFloats();
        }

        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < nq; i++) {
                double[] w = new double[nk];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < nk; j++) {
                    if (mask[(h * layout.queryBlocks() + i / layout.blockTokens()) * layout.keyBlocks()
                            + j / layout.blockTokens()]) {
                        for (int d = 0; d < hd; d++) {
                            w[j] += (double) q[(h * nq + i) * hd + d] * k[(h * nk + j) * hd + d];
                        }
                        max = Math.max(max, w[j]);
                    } else {
                        w[j] = Double.NEGATIVE_INFINITY;
                    }
                }
                double sum = 0;
                for (int j = 0; j < nk; j++) {
                    w[j] = max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(w[j] - max);
                    sum += w[j];
                }
                for (int d = 0; d < hd; d++) {
                    double expected = 0;
                    for (int j = 0; j < nk; j++) {
                        expected += sum == 0 ? 0 : w[j] / sum * v[(h * nk + j) * hd + d];
                    }
                    assertEquals(expected, actual[i * heads * hd + h * hd + d], 1e-5, "head " + h + " query " + i);
                }
            }
        }
        assertEquals(0f, actual[2 * heads * hd], "a query block with no allowed key block gives 0");
    }
}
