package dev.flashvsr.engine.flashvsr.load;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.weights.TensorInfo;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The complete list of tensors (upstream names) and shapes that each FlashVSR weight file must
 * hold for a resolved {@link FlashVsrConfig}, and the check of a file against it.
 */
final class ExpectedTensors {
    /** Prefix of projector tensors a DiT file may carry; they are ignored (the projector is LQ_proj_in.ckpt). */
    static final String DIT_IGNORED_PREFIX = "LQ_proj_in.";
    private static final int[] MEM_BLOCKS = {5, 6, 7, 11, 12, 13, 17, 18, 19};
    private static final int[] MEM_BLOCK_STAGE = {0, 0, 0, 1, 1, 1, 2, 2, 2};

    private ExpectedTensors() {
    }

    /** Wan2.1 DiT: embeddings, {@code num_layers} blocks of 27 tensors, head. */
    static Map<String, long[]> dit(FlashVsrConfig.Dit d) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long dim = d.dim();
        Dims3 p = d.patchSize();
        linear(m, "patch_embedding", new long[] {dim, d.inDim(), p.t(), p.h(), p.w()});
        linear(m, "text_embedding.0", new long[] {dim, d.textDim()});
        linear(m, "text_embedding.2", new long[] {dim, dim});
        linear(m, "time_embedding.0", new long[] {dim, d.freqDim()});
        linear(m, "time_embedding.2", new long[] {dim, dim});
        linear(m, "time_projection.1", new long[] {6 * dim, dim});
        for (int l = 0; l < d.numLayers(); l++) {
            String block = "blocks." + l + ".";
            for (String attention : new String[] {"self_attn", "cross_attn"}) {
                for (String projection : new String[] {"q", "k", "v", "o"}) {
                    linear(m, block + attention + "." + projection, new long[] {dim, dim});
                }
                m.put(block + attention + ".norm_q.weight", new long[] {dim});
                m.put(block + attention + ".norm_k.weight", new long[] {dim});
            }
            m.put(block + "norm3.weight", new long[] {dim});
            m.put(block + "norm3.bias", new long[] {dim});
            linear(m, block + "ffn.0", new long[] {d.ffnDim(), dim});
            linear(m, block + "ffn.2", new long[] {dim, d.ffnDim()});
            m.put(block + "modulation", new long[] {1, 6, dim});
        }
        linear(m, "head.head", new long[] {(long) d.outDim() * p.product(), dim});
        m.put("head.modulation", new long[] {1, 2, dim});
        return m;
    }

    /** Causal_LQ4x_Proj / Buffer_LQ4x_Proj: two causal convs with RMS norm gammas, then the linear layers. */
    static Map<String, long[]> lqProj(FlashVsrConfig.LqProj l) {
        Map<String, long[]> m = new LinkedHashMap<>();
        Dims3 k = l.convKernel();
        linear(m, "conv1", new long[] {l.hiddenDim1(), l.shuffledChannels(), k.t(), k.h(), k.w()});
        m.put("norm1.gamma", new long[] {l.hiddenDim1(), 1, 1, 1});
        linear(m, "conv2", new long[] {l.hiddenDim2(), l.hiddenDim1(), k.t(), k.h(), k.w()});
        m.put("norm2.gamma", new long[] {l.hiddenDim2(), 1, 1, 1});
        for (int i = 0; i < l.layerNum(); i++) {
            linear(m, "linear_layers." + i, new long[] {l.outDim(), l.hiddenDim2()});
        }
        return m;
    }

    /** TCDecoder's {@code decoder.<i>} layers that have weights (see the golden README section 2). */
    static Map<String, long[]> tcDecoder(FlashVsrConfig.TcDecoder t) {
        Map<String, long[]> m = new LinkedHashMap<>();
        List<Integer> c = t.channels();
        linear(m, "decoder.1", conv3x3(c.get(0), t.latentChannels()));
        m.put("decoder.3.weight", conv3x3(c.get(0), c.get(0)));
        for (int i = 0; i < MEM_BLOCKS.length; i++) {
            long n = c.get(MEM_BLOCK_STAGE[i]);
            String conv = "decoder." + MEM_BLOCKS[i] + ".conv.";
            linear(m, conv + "0", conv3x3(n, 2 * n));
            linear(m, conv + "2", conv3x3(n, n));
            linear(m, conv + "4", conv3x3(n, n));
        }
        int[] grows = {9, 15, 21};
        for (int stage = 0; stage < grows.length; stage++) {
            long n = c.get(stage);
            m.put("decoder." + grows[stage] + ".conv.weight", new long[] {n * t.timeStride(stage), n, 1, 1});
        }
        m.put("decoder.10.weight", conv3x3(c.get(1), c.get(0)));
        m.put("decoder.16.weight", conv3x3(c.get(2), c.get(1)));
        m.put("decoder.22.weight", conv3x3(c.get(3), c.get(2)));
        m.put("decoder.24.weight", conv3x3(c.get(3), c.get(3)));
        linear(m, "decoder.26", conv3x3(3, c.get(3)));
        return m;
    }

    private static long[] conv3x3(long out, long in) {
        return new long[] {out, in, 3, 3};
    }

    /** {@code name.weight} of shape {@code weight} and {@code name.bias} of its first dimension. */
    private static void linear(Map<String, long[]> m, String name, long[] weight) {
        m.put(name + ".weight", weight);
        m.put(name + ".bias", new long[] {weight[0]});
    }

    /**
     * Checks that {@code source} holds every expected tensor with its shape and a float dtype.
     *
     * @param extrasAllowed whether tensors not in {@code expected} are accepted (upstream loads
     *     TCDecoder non-strictly); {@code ignoredPrefix} names extras accepted anyway (null: none)
     */
    static void check(WeightSource source, String what, Map<String, long[]> expected, boolean extrasAllowed,
            String ignoredPrefix) throws EngineException {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            if (!source.contains(e.getKey())) {
                missing.add(e.getKey());
            }
        }
        if (!missing.isEmpty()) {
            String first = missing.get(0);
            throw new EngineException(source.origin() + ": missing tensor '" + first + "' of shape "
                    + Arrays.toString(expected.get(first)) + " (" + what + ")" + (missing.size() > 1 ? "; "
                    + (missing.size() - 1) + " more missing: " + abbreviate(missing.subList(1, missing.size())) : ""),
                    FlashVsrRelease.REMEDY);
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorInfo info = source.info(e.getKey());
            if (!Arrays.equals(info.shape(), e.getValue())) {
                throw new EngineException(source.origin() + ": tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(info.shape()) + ", expected " + Arrays.toString(e.getValue()) + " ("
                        + what + ")", FlashVsrRelease.REMEDY);
            }
            if (!info.dtype().readableAsFloat()) {
                throw new EngineException(source.origin() + ": tensor '" + e.getKey() + "' has dtype " + info.dtype()
                        + ", expected a floating point type", FlashVsrRelease.REMEDY);
            }
        }
        if (!extrasAllowed) {
            for (String name : source.names()) {
                if (!expected.containsKey(name) && (ignoredPrefix == null || !name.startsWith(ignoredPrefix))) {
                    throw new EngineException(source.origin() + ": unexpected tensor '" + name + "' (not part of the "
                            + what + "; the file must hold exactly its " + expected.size() + " tensors)",
                            FlashVsrRelease.REMEDY);
                }
            }
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? names.toString() : names.subList(0, 5) + " ...";
    }
}
