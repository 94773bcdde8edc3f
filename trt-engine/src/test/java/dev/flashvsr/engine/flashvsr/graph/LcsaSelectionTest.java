package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OrtException;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.onnx.OrtRunner;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The bisection and TopK forms of the top-k rule against a sort-based Java reference: masks must
 * be identical on every input, including ties at the threshold, adjacent floats, subnormals,
 * all-zero (fully masked) rows and k at or beyond the number of nonzero entries.
 */
class LcsaSelectionTest {
    /** One graph per (shape, k, form): values [rows, n] to the mask as float 0/1. */
    private static boolean[] select(float[] values, int rows, int n, int k, LcsaSelection.Form form)
            throws OrtException {
        OnnxGraphBuilder b = new OnnxGraphBuilder("lcsa_selection");
        String in = b.input("values", rows, n);
        String mask = LcsaSelection.strictlyAboveRank(b, in, k, form);
        b.output(new GraphOps(b, ComputeType.FP32).cast(mask, TensorProto.DataType.FLOAT), "mask", rows, n);
        float[] out = OrtRunner.run(b.toByteArray(), Map.of("values", Map.entry(values, new long[] {rows, n})))
                .get("mask");
        boolean[] selected = new boolean[out.length];
        for (int i = 0; i < out.length; i++) {
            selected[i] = out[i] != 0;
        }
        return selected;
    }

    private static void assertBothFormsMatchReference(String what, float[] values, int rows, int n, int k)
            throws OrtException {
        boolean[] expected = LcsaReference.topkRule(values, n, k);
        for (LcsaSelection.Form form : LcsaSelection.Form.values()) {
            boolean[] actual = select(values, rows, n, k, form);
            int differences = 0;
            for (int i = 0; i < expected.length; i++) {
                differences += expected[i] != actual[i] ? 1 : 0;
            }
            assertEquals(0, differences, what + ", k=" + k + ", form " + form + ": mask entries differ");
        }
    }

    /** Rows of S query blocks x nk key blocks: each query row a softmax over its allowed keys. */
    private static float[] softmaxRows(Random r, int groups, int s, int nk, double allowed, double spread) {
        float[] v = new float[groups * s * nk];
        double[] logits = new double[nk];
        for (int row = 0; row < groups * s; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < nk; j++) {
                boolean keep = j == row % nk || r.nextDouble() < allowed;
                logits[j] = keep ? r.nextGaussian() * spread : Double.NEGATIVE_INFINITY;
                max = Math.max(max, logits[j]);
            }
            float sum = 0;
            for (int j = 0; j < nk; j++) {
                v[row * nk + j] = (float) Math.exp(logits[j] - max);
                sum += v[row * nk + j];
            }
            for (int j = 0; j < nk; j++) {
                v[row * nk + j] /= sum;
            }
        }
        return v;
    }

    @Test
    void softmaxRowsOfTheTestModelSizesMatchTheReference() throws OrtException {
        Random r = new Random(1);
        int[][] shapes = {{6, 18}, {6, 24}, {2, 6}, {2, 8}, {12, 48}};
        for (int trial = 0; trial < 40; trial++) {
            int[] shape = shapes[trial % shapes.length];
            int n = shape[0] * shape[1];
            float[] v = softmaxRows(r, 3, shape[0], shape[1], r.nextDouble(), 0.1 + 5 * r.nextDouble());
            int k = trial % 3 == 0 ? Math.min(n - 1, (int) (shape[0] * shape[0] * 2.0) - 1) : r.nextInt(n);
            assertBothFormsMatchReference("softmax trial " + trial, v, 3, n, k);
        }
    }

    @Test
    void tiesDuplicatesAndAdjacentFloatsMatchTheReference() throws OrtException {
        Random r = new Random(2);
        int n = 6 * 24;
        Map<String, BiFunction<Random, Integer, Float>> generators = Map.of(
                "few levels (ties)", (rr, i) -> rr.nextInt(5) / 8f,
                "adjacent floats", (rr, i) -> Math.nextUp(0.01f) + Math.ulp(0.01f) * rr.nextInt(7),
                "subnormals and zero", (rr, i) -> Float.MIN_VALUE * rr.nextInt(6),
                "binade edges", (rr, i) -> {
                    float p = Math.scalb(1f, -rr.nextInt(130));
                    return switch (rr.nextInt(3)) {
                        case 0 -> p;
                        case 1 -> Math.nextDown(p);
                        default -> Math.min(1f, Math.nextUp(p));
                    };
                },
                "ones and just below", (rr, i) -> rr.nextBoolean() ? 1f : Math.nextDown(1f));
        for (var g : generators.entrySet()) {
            for (int trial = 0; trial < 8; trial++) {
                float[] v = new float[2 * n];
                for (int i = 0; i < v.length; i++) {
                    v[i] = g.getValue().apply(r, i);
                }
                assertBothFormsMatchReference(g.getKey() + " trial " + trial, v, 2, n, r.nextInt(n));
            }
        }
    }

    @Test
    void exactDuplicatesOfSoftmaxValuesMatchTheReference() throws OrtException {
        Random r = new Random(3);
        int n = 6 * 18;
        for (int trial = 0; trial < 20; trial++) {
            float[] v = softmaxRows(r, 2, 6, 18, 0.6, 2.0);
            for (int c = 0; c < n / 2; c++) {
                int row = r.nextInt(2);
                v[row * n + r.nextInt(n)] = v[row * n + r.nextInt(n)];
            }
            int k = r.nextInt(n);
            assertBothFormsMatchReference("duplicates trial " + trial, v, 2, n, k);
        }
    }

    @Test
    void kAtOrBeyondTheNonzeroCountAndFullyMaskedRowsSelectOnlyNonzeros() throws OrtException {
        Random r = new Random(4);
        int n = 6 * 24;
        for (int trial = 0; trial < 10; trial++) {
            float[] v = new float[3 * n];
            int nonzero = r.nextInt(20);
            for (int c = 0; c < nonzero; c++) {
                v[r.nextInt(n)] = r.nextFloat();
            }
            // row 1 stays fully masked (all zero); row 2 is fully allowed
            for (int i = 0; i < n; i++) {
                v[2 * n + i] = r.nextFloat();
            }
            for (int k : new int[] {nonzero, nonzero + 5, n - 1}) {
                assertBothFormsMatchReference("sparse trial " + trial, v, 3, n, k);
            }
            assertBothFormsMatchReference("sparse trial " + trial + ", k=0", v, 3, n, 0);
        }
    }

    @Test
    void realModelSizesMatchTheReference() throws OrtException {
        // 768x1280 output: 6x10 = 60 blocks per group, KV window 3 + 1 groups = 240 key blocks
        Random r = new Random(5);
        int s = 60;
        int nk = 240;
        int n = s * nk;
        for (double ratio : new double[] {2.0, 2.0 * 768 * 1280 / (720 * 1280), 1.5, 3.9}) {
            int k = new LcsaParams(6, 10, 1, 4, 11, ratio).k();
            float[] v = softmaxRows(r, 12, s, nk, 0.5, 1.5);
            assertBothFormsMatchReference("12 heads x 14,400 entries, ratio " + ratio, v, 12, n, k);
        }
        float[] ties = new float[4 * n];
        for (int i = 0; i < ties.length; i++) {
            ties[i] = r.nextInt(40) / 4096f;
        }
        assertBothFormsMatchReference("14,400 entries on 40 levels", ties, 4, n, 8000);
    }

    @Test
    void negativeKIsRejected() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("lcsa_selection");
        String in = b.input("values", 1, 4);
        assertThrows(IllegalArgumentException.class,
                () -> LcsaSelection.strictlyAboveRank(b, in, -1, LcsaSelection.Form.BISECTION));
    }
}
