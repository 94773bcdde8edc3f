package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.weights.TensorInfo;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.Arrays;

/**
 * Sizes of a Wan2.1-layout DiT. Most come from the weight shapes ({@link #fromWeights}); the head
 * count, norm epsilon, RoPE parameters and the attention block window are not derivable from
 * them and are given (release {@code config.json}: {@code dit.num_heads}, {@code eps},
 * {@code rope_theta}, {@code rope_table_positions}, {@code attention_block_window_t_h_w}).
 *
 * @param blockFrames latent frames per attention block (2)
 * @param blockRows   token rows per attention block (8)
 * @param blockCols   token columns per attention block (8)
 */
public record DitDims(int dim, int ffnDim, int layers, int heads, int inChannels, int outChannels, int textDim,
        int freqDim, int patchH, int patchW, double eps, double ropeTheta, int ropePositions, int blockFrames,
        int blockRows, int blockCols) {

    public DitDims {
        if (heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not a multiple of the head count " + heads);
        }
        if ((dim / heads) % 2 != 0 || (dim / heads) / 3 % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + dim / heads + " cannot be split into RoPE pairs (t, h, w)");
        }
    }

    public int headDim() {
        return dim / heads;
    }

    /** Tokens per attention block (2 x 8 x 8 = 128). */
    public int blockTokens() {
        return blockFrames * blockRows * blockCols;
    }

    /** Output features per token: one patch of every output channel (2 x 2 x 16 = 64). */
    public int patchFeatures() {
        return patchH * patchW * outChannels;
    }

    /** RoPE dims of the time axis: head_dim - 2 (head_dim / 3) (real model 44 of 128). */
    public int ropeTimeDims() {
        return headDim() - 2 * ropeSpaceDims();
    }

    /** RoPE dims of each spatial axis: head_dim / 3 (real model 42). */
    public int ropeSpaceDims() {
        return headDim() / 3;
    }

    /** Reads the sizes from the weight shapes (upstream WanModel names) and checks them against each other. */
    public static DitDims fromWeights(WeightSource w, int heads, double eps, double ropeTheta, int ropePositions,
            int blockFrames, int blockRows, int blockCols) {
        long[] patch = shape(w, "patch_embedding.weight", 5);
        if (patch[2] != 1) {
            throw new IllegalArgumentException(w.origin() + ": patch_embedding.weight " + Arrays.toString(patch)
                    + ": only a temporal patch size of 1 is supported");
        }
        int dim = (int) patch[0];
        int layers = 0;
        while (w.contains("blocks." + layers + ".modulation")) {
            layers++;
        }
        if (layers == 0) {
            throw new IllegalArgumentException(w.origin() + ": no blocks.<n>.modulation tensors: not a WanModel state dict");
        }
        long[] head = shape(w, "head.head.weight", 2);
        int patchArea = (int) (patch[3] * patch[4]);
        if (head[0] % patchArea != 0) {
            throw new IllegalArgumentException(w.origin() + ": head.head.weight " + Arrays.toString(head)
                    + " does not hold whole " + patch[3] + "x" + patch[4] + " patches");
        }
        return new DitDims(dim, (int) shape(w, "blocks.0.ffn.0.weight", 2)[0], layers, heads, (int) patch[1],
                (int) (head[0] / patchArea), (int) shape(w, "text_embedding.0.weight", 2)[1],
                (int) shape(w, "time_embedding.0.weight", 2)[1], (int) patch[3], (int) patch[4], eps, ropeTheta,
                ropePositions, blockFrames, blockRows, blockCols);
    }

    private static long[] shape(WeightSource w, String name, int rank) {
        if (!w.contains(name)) {
            throw new IllegalArgumentException(w.origin() + ": missing tensor " + name + " (not a WanModel state dict?)");
        }
        TensorInfo info = w.info(name);
        if (info.rank() != rank) {
            throw new IllegalArgumentException(w.origin() + ": " + name + " has shape " + Arrays.toString(info.shape())
                    + ", expected rank " + rank);
        }
        return info.shape();
    }
}
