package dev.flashvsr.engine.flashvsr.graph;

/**
 * What one DiT graph computes: latent frames and size of a call (fixed per graph), the KV cache
 * it takes, precision and attention mask.
 *
 * <p>Cache rule (upstream's): chunk 0 takes no cache and returns the keys/values of all its time
 * groups. A later chunk takes {@code cacheGroups} cached groups, attends to cache + current, and
 * returns them minus the oldest group when cache + current exceed {@code kvLen} (= int(kv_ratio))
 * groups. With kv_ratio 3, chunk 0 (6 latent frames = 3 groups) gives 3 groups and every later
 * chunk (2 frames = 1 group) takes 3 and returns 3.
 *
 * @param cacheGroups       time groups in the cache inputs; 0 for chunk 0 (no cache inputs)
 * @param kvLen             int(kv_ratio)
 * @param blockMaskOutputs  whether to add the outputs {@code block_mask_<l>} (for tests)
 * @param linears           how the blocks' Linear layers are built (int8 ones only with FP32)
 */
public record DitGraphSpec(int latentFrames, int latentHeight, int latentWidth, int cacheGroups, int kvLen,
        ComputeType precision, BlockMaskBuilder masks, boolean blockMaskOutputs, LinearQuantization linears) {

    public DitGraphSpec {
        if (cacheGroups < 0 || kvLen < 1) {
            throw new IllegalArgumentException("cacheGroups " + cacheGroups + " must be >= 0 and kvLen " + kvLen + " >= 1");
        }
        if (precision == null || masks == null || linears == null) {
            throw new IllegalArgumentException("precision, masks and linears are required");
        }
        if (precision != ComputeType.FP32 && (linears.probes() || !linears.inputScales().isEmpty())) {
            throw new IllegalArgumentException("calibration probes and int8 Linears need an FP32 graph, not "
                    + precision);
        }
    }

    /** Chunk 0: {@code latentFrames} (6) frames, no cache input. */
    public static DitGraphSpec firstChunk(int latentFrames, int latentHeight, int latentWidth, int kvLen,
            ComputeType precision, BlockMaskBuilder masks) {
        return new DitGraphSpec(latentFrames, latentHeight, latentWidth, 0, kvLen, precision, masks, false,
                LinearQuantization.NONE);
    }

    /** Chunk K >= 1: {@code latentFrames} (2) frames after a cache of {@code cacheGroups} (3) groups. */
    public static DitGraphSpec laterChunk(int latentFrames, int latentHeight, int latentWidth, int cacheGroups,
            int kvLen, ComputeType precision, BlockMaskBuilder masks) {
        if (cacheGroups < 1) {
            throw new IllegalArgumentException("a later chunk needs a cache of at least one group");
        }
        return new DitGraphSpec(latentFrames, latentHeight, latentWidth, cacheGroups, kvLen, precision, masks, false,
                LinearQuantization.NONE);
    }

    public DitGraphSpec withBlockMaskOutputs() {
        return new DitGraphSpec(latentFrames, latentHeight, latentWidth, cacheGroups, kvLen, precision, masks, true,
                linears);
    }

    /** The same graph with its blocks' Linear layers built as {@code linears} says. */
    public DitGraphSpec withLinears(LinearQuantization linears) {
        return new DitGraphSpec(latentFrames, latentHeight, latentWidth, cacheGroups, kvLen, precision, masks,
                blockMaskOutputs, linears);
    }

    /** Oldest groups of cache + current that the cache outputs leave out (0 or 1). */
    int droppedGroups(int currentGroups) {
        return cacheGroups > 0 && cacheGroups + currentGroups > kvLen ? 1 : 0;
    }
}
