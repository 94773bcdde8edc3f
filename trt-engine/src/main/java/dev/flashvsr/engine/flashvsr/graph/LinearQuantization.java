package dev.flashvsr.engine.flashvsr.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the DiT blocks' Linear layers ({@link #layerNames}: self-attention q, k, v, o,
 * cross-attention q, o, FFN in and out) are built:
 * <ul>
 *   <li>in floating point ({@link #NONE});
 *   <li>in floating point with calibration probes ({@link #calibrationProbes}): for each layer's input the
 *       graph also outputs {@value #ABS_MAX_PREFIX}{@code <layer>}, the largest |x|, and
 *       {@value #PERCENTILE_PREFIX}{@code <layer>}, its 99.99th percentile (the
 *       ceil(n / 10000)-th largest |x| of the n values);
 *   <li>W8A8 ({@link #w8a8}): the input goes through QuantizeLinear/DequantizeLinear with the
 *       layer's per-tensor scale, the weight is stored in int8 with one scale per output channel
 *       (axis 0 of [out, in]), both symmetric (zero point 0), and a Gemm multiplies the
 *       dequantized values: the explicit quantization TensorRT fuses into int8 GEMMs.
 * </ul>
 * Everything else stays floating point: patch embedding and head (the first and last layer,
 * where int8 costs the most accuracy for little work), norms, modulation, RoPE, the attention's
 * score math and softmax, the residual stream and the KV caches.
 */
public record LinearQuantization(Map<String, Float> inputScales, boolean probes) {
    public static final LinearQuantization NONE = new LinearQuantization(Map.of(), false);
    public static final String ABS_MAX_PREFIX = "probe_absmax.";
    public static final String PERCENTILE_PREFIX = "probe_p9999.";
    /** The share of |x| above the percentile probe. */
    static final double PERCENTILE_TAIL = 1e-4;

    public LinearQuantization {
        inputScales = Map.copyOf(inputScales);
        for (Map.Entry<String, Float> e : inputScales.entrySet()) {
            float s = e.getValue();
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("input scale of " + e.getKey() + " is " + s
                        + ", not a positive finite number");
            }
        }
    }

    public static LinearQuantization calibrationProbes() {
        return new LinearQuantization(Map.of(), true);
    }

    /** @param inputScales per-tensor int8 scale of each layer's input, for every layer {@link #layerNames} lists */
    public static LinearQuantization w8a8(Map<String, Float> inputScales) {
        return new LinearQuantization(inputScales, false);
    }

    /** The quantized layers of a DiT of {@code layers} blocks, by checkpoint prefix ("blocks.0.ffn.2"). */
    public static List<String> layerNames(int layers) {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            String p = "blocks." + l + ".";
            for (String layer : List.of("self_attn.q", "self_attn.k", "self_attn.v", "self_attn.o", "cross_attn.q",
                    "cross_attn.o", "ffn.0", "ffn.2")) {
                names.add(p + layer);
            }
        }
        return names;
    }

    /** The symmetric int8 scale of values within [-range, range]. */
    public static float scaleOf(float range) {
        return range / ChannelQuantizer.LEVELS;
    }

    /** The input scale of {@code layer}, or null when it stays floating point. */
    Float inputScale(String layer) {
        return inputScales.get(layer);
    }
}
