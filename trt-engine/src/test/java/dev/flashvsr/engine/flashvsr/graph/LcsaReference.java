package dev.flashvsr.engine.flashvsr.graph;

import java.util.Arrays;

/** Plain-Java LCSA reference: block pooling, masked softmax (double) and the sort-based top-k rule. */
final class LcsaReference {
    private LcsaReference() {
    }

    /**
     * The top-k rule on rows of n values: true where a value is strictly greater than the row's
     * (k+1)-th largest value (found by sorting a copy).
     */
    static boolean[] topkRule(float[] values, int n, int k) {
        boolean[] selected = new boolean[values.length];
        float[] sorted = new float[n];
        for (int row = 0; row < values.length / n; row++) {
            System.arraycopy(values, row * n, sorted, 0, n);
            Arrays.sort(sorted);
            float threshold = sorted[n - 1 - k];
            for (int i = 0; i < n; i++) {
                selected[row * n + i] = values[row * n + i] > threshold;
            }
        }
        return selected;
    }

    /** Block softmax [heads, nq, nk] from q [heads, nq*128, d], k [heads, nk*128, d], in double. */
    static float[] probabilities(float[] q, float[] k, int heads, int headDim, LcsaParams p) {
        int nq = p.queryBlocks();
        int nk = p.keyBlocks();
        double[] pq = pool(q, heads, nq, headDim);
        double[] pk = pool(k, heads, nk, headDim);
        boolean[][] local = LocalBlockMask.of(p.blockRows(), p.blockCols(), p.localRange());
        int s = p.spatialBlocks();
        float[] probs = new float[heads * nq * nk];
        double[] row = new double[nk];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < nq; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < nk; j++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) {
                        dot += pq[(h * nq + i) * headDim + d] * pk[(h * nk + j) * headDim + d];
                    }
                    row[j] = local[i % s][j % s] ? dot / Math.sqrt(headDim) : Double.NEGATIVE_INFINITY;
                    max = Math.max(max, row[j]);
                }
                double sum = 0;
                for (int j = 0; j < nk; j++) {
                    row[j] = Math.exp(row[j] - max);
                    sum += row[j];
                }
                for (int j = 0; j < nk; j++) {
                    probs[(h * nq + i) * nk + j] = (float) (row[j] / sum);
                }
            }
        }
        return probs;
    }

    private static double[] pool(float[] x, int heads, int blocks, int headDim) {
        double[] pooled = new double[heads * blocks * headDim];
        int t = LcsaMask.BLOCK_TOKENS;
        for (int h = 0; h < heads; h++) {
            for (int blk = 0; blk < blocks; blk++) {
                for (int tok = 0; tok < t; tok++) {
                    int base = ((h * blocks + blk) * t + tok) * headDim;
                    for (int d = 0; d < headDim; d++) {
                        pooled[(h * blocks + blk) * headDim + d] += x[base + d];
                    }
                }
                for (int d = 0; d < headDim; d++) {
                    pooled[(h * blocks + blk) * headDim + d] /= t;
                }
            }
        }
        return pooled;
    }
}
