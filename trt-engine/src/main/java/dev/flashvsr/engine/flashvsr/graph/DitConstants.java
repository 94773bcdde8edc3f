package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.Arrays;

/**
 * The parts of the one-step DiT that do not depend on the video, folded into constants at build
 * time: the timestep embedding {@code t}, its projection {@code t_mod}, every block's and the
 * head's modulation, and the cross-attention keys and values of the fixed text context. Each
 * Linear accumulates in double and rounds its outputs to float (as a float32 layer does, to
 * within its rounding), or, for the real model's size, runs as a float32 GEMM in ONNX Runtime
 * ({@link RuntimeLinear}). Per-layer constants are computed on demand, so the real model's 30
 * layers of K/V never sit in the heap together.
 */
public final class DitConstants {
    /** Rows of the modulation table: shift, scale, gate of self-attention, then of the FFN. */
    public static final int MODULATION_ROWS = 6;

    /** How Linear layers are applied to the folded inputs. */
    @FunctionalInterface
    private interface LinearEvaluation {
        float[] apply(CheckedWeights.Linear layer, float[] x, int rows);
    }

    private final DitDims dims;
    private final CheckedWeights weights;
    private final LinearEvaluation linear;
    private final float[] t;
    private final float[] tMod;
    private final float[] contextEmbedding;
    private final int contextLength;

    private DitConstants(DitDims dims, CheckedWeights weights, LinearEvaluation linear, float[] t, float[] tMod,
            float[] contextEmbedding, int contextLength) {
        this.dims = dims;
        this.weights = weights;
        this.linear = linear;
        this.t = t;
        this.tMod = tMod;
        this.contextEmbedding = contextEmbedding;
        this.contextLength = contextLength;
    }

    /**
     * Computes t, t_mod and the text embedding of {@code context} ([1, L, text_dim] or
     * [L, text_dim]) for diffusion timestep {@code timestep} (1000 for FlashVSR's single step).
     */
    public static DitConstants compute(WeightSource source, FloatTensor context, DitDims dims, double timestep) {
        return compute(source, context, dims, timestep, CheckedWeights.Linear::apply);
    }

    /** As {@link #compute}, with the Linear layers run as float32 GEMMs in ONNX Runtime (seconds, not minutes). */
    public static DitConstants computeOnRuntime(WeightSource source, FloatTensor context, DitDims dims,
            double timestep) {
        return compute(source, context, dims, timestep, RuntimeLinear::apply);
    }

    private static DitConstants compute(WeightSource source, FloatTensor context, DitDims dims, double timestep,
            LinearEvaluation linear) {
        CheckedWeights w = new CheckedWeights(source);
        long[] cs = context.shape();
        if (cs.length < 2 || cs[cs.length - 1] != dims.textDim() || (cs.length == 3 && cs[0] != 1) || cs.length > 3) {
            throw new IllegalArgumentException("text context has shape " + Arrays.toString(cs) + ", expected [1, L, "
                    + dims.textDim() + "]");
        }
        int length = (int) cs[cs.length - 2];
        int dim = dims.dim();
        float[] emb = sinusoidalEmbedding(dims.freqDim(), timestep);
        float[] hidden = silu(w.linear("time_embedding.0", dims.freqDim(), dim).apply(emb, 1));
        float[] t = w.linear("time_embedding.2", dim, dim).apply(hidden, 1);
        float[] tMod = w.linear("time_projection.1", dim, MODULATION_ROWS * dim).apply(silu(t), 1);
        float[] textHidden = geluTanh(linear.apply(w.linear("text_embedding.0", dims.textDim(), dim), context.data(),
                length));
        float[] contextEmbedding = linear.apply(w.linear("text_embedding.2", dim, dim), textHidden, length);
        return new DitConstants(dims, w, linear, t, tMod, contextEmbedding, length);
    }

    /**
     * Sinusoidal timestep embedding: with half = freqDim / 2 and s_i = timestep * 10000^(-i / half)
     * in float64, [cos(s_0..s_half-1), sin(s_0..s_half-1)] rounded to float.
     */
    static float[] sinusoidalEmbedding(int freqDim, double timestep) {
        int half = freqDim / 2;
        float[] emb = new float[2 * half];
        for (int i = 0; i < half; i++) {
            double s = timestep * Math.pow(10000.0, -(double) i / half);
            emb[i] = (float) Math.cos(s);
            emb[half + i] = (float) Math.sin(s);
        }
        return emb;
    }

    /** The time embedding t [dim]. */
    public float[] t() {
        return t.clone();
    }

    /** The time projection t_mod [6, dim] (row-major). */
    public float[] tMod() {
        return tMod.clone();
    }

    /** Text context length L. */
    public int contextLength() {
        return contextLength;
    }

    /** {@code blocks.<layer>.modulation + t_mod} [6, dim]: shift, scale, gate (attention), shift, scale, gate (FFN). */
    public float[] blockModulation(int layer) {
        float[] m = weights.read("blocks." + layer + ".modulation", 1, MODULATION_ROWS, dims.dim());
        for (int i = 0; i < m.length; i++) {
            m[i] += tMod[i];
        }
        return m;
    }

    /** {@code head.modulation + t} [2, dim]: shift, scale (t, not t_mod, as upstream). */
    public float[] headModulation() {
        int dim = dims.dim();
        float[] m = weights.read("head.modulation", 1, 2, dim);
        for (int i = 0; i < m.length; i++) {
            m[i] += t[i % dim];
        }
        return m;
    }

    /** Cross-attention keys of block {@code layer} [L, dim]: norm_k(k(text embedding)). */
    public float[] crossKeys(int layer) {
        String prefix = "blocks." + layer + ".cross_attn.";
        float[] k = linear.apply(weights.linear(prefix + "k", dims.dim(), dims.dim()), contextEmbedding, contextLength);
        return rmsNorm(k, weights.read(prefix + "norm_k.weight", dims.dim()), dims.eps());
    }

    /** Cross-attention values of block {@code layer} [L, dim]. */
    public float[] crossValues(int layer) {
        return linear.apply(weights.linear("blocks." + layer + ".cross_attn.v", dims.dim(), dims.dim()),
                contextEmbedding, contextLength);
    }

    /** x * rsqrt(mean(x^2) + eps) * weight over each row of {@code weight.length} values. */
    static float[] rmsNorm(float[] x, float[] weight, double eps) {
        int n = weight.length;
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / n; r++) {
            double sq = 0;
            for (int i = 0; i < n; i++) {
                sq += (double) x[r * n + i] * x[r * n + i];
            }
            double inv = 1 / Math.sqrt(sq / n + eps);
            for (int i = 0; i < n; i++) {
                y[r * n + i] = (float) ((float) (x[r * n + i] * inv) * (double) weight[i]);
            }
        }
        return y;
    }

    static float[] silu(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (x[i] / (1 + Math.exp(-x[i])));
        }
        return y;
    }

    /** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). */
    static float[] geluTanh(float[] x) {
        float[] y = new float[x.length];
        double c = Math.sqrt(2 / Math.PI);
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            y[i] = (float) (0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v))));
        }
        return y;
    }
}
