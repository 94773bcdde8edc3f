package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.flashvsr.engine.weights.FloatTensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the q and k that the graph hands to a {@link BlockMaskBuilder}: a test builder exposes
 * them as extra outputs (and returns the golden mask, so the run stays the golden one); a plain
 * Java LCSA selection written from the README facts must then give the golden masks bit for bit.
 * This pins the contract the real LCSA subgraph relies on (post-RoPE, block order, unscaled,
 * cache first).
 */
class DitMaskInputsTest {
    private static DitGolden golden;

    @BeforeAll
    static void open() throws Exception {
        golden = DitGolden.open();
    }

    @AfterAll
    static void close() throws Exception {
        golden.close();
    }

    @Test
    void lcsaSelectionFromTheMaskInputsIsTheGoldenMask() throws Exception {
        AttentionBlockLayout[][] layouts = new AttentionBlockLayout[golden.framesPerCall.length][golden.dims.layers()];
        List<Map<String, DitOrtValues.Value>> out = DitStreamRun.run(golden, golden.constants(), ComputeType.FP32,
                call -> (b, layer, q, k, layout) -> {
                    layouts[call][layer] = layout;
                    b.output(q, "probe_q_" + layer, layout.heads(), layout.queryTokens(), layout.headDim());
                    b.output(k, "probe_k_" + layer, layout.heads(), layout.keyTokens(), layout.headDim());
                    return DitGraphTest.goldenMasks(golden.lcsa, call).build(b, layer, q, k, layout);
                }, false);
        int localRange = golden.run.get("local_range").asInt();
        double topkRatio = golden.run.get("topk_ratio").asDouble();
        for (int call = 0; call < out.size(); call++) {
            for (int l = 0; l < golden.dims.layers(); l++) {
                boolean[] mask = lcsaMask(out.get(call).get("probe_q_" + l).toFloats(),
                        out.get(call).get("probe_k_" + l).toFloats(), layouts[call][l], localRange, topkRatio);
                FloatTensor expected = golden.lcsa.readTensor("call" + call + ".block_mask.layer" + l);
                boolean[] want = new boolean[mask.length];
                for (int i = 0; i < want.length; i++) {
                    want[i] = expected.data()[i] != 0;
                }
                assertArrayEquals(want, mask, "call " + call + " layer " + l);
            }
        }
    }

    /** LCSA block selection (README section 3), in double precision. */
    private static boolean[] lcsaMask(float[] q, float[] k, AttentionBlockLayout l, int range, double topkRatio) {
        int heads = l.heads();
        int hd = l.headDim();
        int nq = l.queryBlocks();
        int nk = l.keyBlocks();
        int s = l.blocksPerGroup();
        int topk = (int) (s * s * topkRatio) - 1;
        boolean[] mask = new boolean[heads * nq * nk];
        for (int h = 0; h < heads; h++) {
            double[][] qb = pooled(q, h, nq, l.blockTokens(), hd);
            double[][] kb = pooled(k, h, nk, l.blockTokens(), hd);
            double[][] p = new double[nq][nk];
            for (int a = 0; a < nq; a++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int b = 0; b < nk; b++) {
                    if (local(a % s, b % s, l.blockCols(), range)) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) {
                            dot += qb[a][d] * kb[b][d];
                        }
                        p[a][b] = dot / Math.sqrt(hd);
                        max = Math.max(max, p[a][b]);
                    } else {
                        p[a][b] = Double.NEGATIVE_INFINITY;
                    }
                }
                double sum = 0;
                for (int b = 0; b < nk; b++) {
                    p[a][b] = Math.exp(p[a][b] - max);
                    sum += p[a][b];
                }
                for (int b = 0; b < nk; b++) {
                    p[a][b] /= sum;
                }
            }
            for (int g = 0; g < nq / s; g++) {
                double[] flat = new double[s * nk];
                for (int a = 0; a < s; a++) {
                    System.arraycopy(p[g * s + a], 0, flat, a * nk, nk);
                }
                double[] sorted = flat.clone();
                Arrays.sort(sorted);
                int kept = Math.min(s * nk - 1, topk);
                double threshold = sorted[sorted.length - 1 - kept];
                for (int a = 0; a < s; a++) {
                    for (int b = 0; b < nk; b++) {
                        mask[(h * nq + g * s + a) * nk + b] = flat[a * nk + b] > threshold;
                    }
                }
            }
        }
        return mask;
    }

    private static boolean local(int a, int b, int cols, int range) {
        int r = a / cols;
        int c = a % cols;
        int r2 = b / cols;
        int c2 = b % cols;
        int low = range / 2;
        return r - low <= r2 && r2 <= r - low + range - 1 && c - low <= c2 && c2 <= c - low + range - 1;
    }

    private static double[][] pooled(float[] x, int head, int blocks, int blockTokens, int hd) {
        double[][] out = new double[blocks][hd];
        int base = head * blocks * blockTokens * hd;
        for (int blk = 0; blk < blocks; blk++) {
            for (int t = 0; t < blockTokens; t++) {
                for (int d = 0; d < hd; d++) {
                    out[blk][d] += x[base + (blk * blockTokens + t) * hd + d];
                }
            }
            for (int d = 0; d < hd; d++) {
                out[blk][d] /= blockTokens;
            }
        }
        return out;
    }
}
