package dev.flashvsr.engine.flashvsr.graph;

/**
 * The shape and selection parameters of one LCSA block mask.
 *
 * <p>A time group is {@code blockRows x blockCols} spatial blocks (S of them); the queries span
 * {@code queryGroups} groups and the keys {@code keyGroups} groups (KV cache plus current). Per
 * head and query group, the mask keeps the entries of the [S x keyBlocks] block-softmax matrix
 * that are strictly greater than its (k+1)-th largest value, with {@link #topk()} and {@link #k()}
 * as upstream computes them.
 *
 * @param localRange the side of the local window in blocks (upstream {@code local_range})
 * @param topkRatio upstream {@code topk_ratio} (sparse_ratio scaled by 768*1280 / output pixels)
 */
public record LcsaParams(int blockRows, int blockCols, int queryGroups, int keyGroups, int localRange,
        double topkRatio) {
    public LcsaParams {
        if (blockRows < 1 || blockCols < 1 || queryGroups < 1 || keyGroups < 1) {
            throw new IllegalArgumentException("LCSA needs at least one block and one query/key group, got "
                    + blockRows + "x" + blockCols + " blocks, " + queryGroups + " query and " + keyGroups
                    + " key groups");
        }
        if (localRange < 1) {
            throw new IllegalArgumentException("local range must be at least 1, got " + localRange);
        }
        if (!(topkRatio > 0) || Double.isInfinite(topkRatio)) {
            throw new IllegalArgumentException("topk ratio must be positive and finite, got " + topkRatio);
        }
        long s = (long) blockRows * blockCols;
        if (s * s * keyGroups > Integer.MAX_VALUE || (long) (s * s * topkRatio) - 1 < 0) {
            throw new IllegalArgumentException("topk ratio " + topkRatio + " with " + s
                    + " blocks per group selects no block (int(S*S*ratio) - 1 < 0) or the mask is too large");
        }
    }

    /** S, the spatial blocks of one time group. */
    public int spatialBlocks() {
        return blockRows * blockCols;
    }

    public int queryBlocks() {
        return queryGroups * spatialBlocks();
    }

    public int keyBlocks() {
        return keyGroups * spatialBlocks();
    }

    /** Entries of one (head, query group) selection: S * keyBlocks. */
    public int groupEntries() {
        return spatialBlocks() * keyBlocks();
    }

    /** Upstream's {@code int(S*S*topk_ratio) - 1} (Python's int() truncates the double product). */
    public int topk() {
        int s = spatialBlocks();
        return (int) (s * s * topkRatio) - 1;
    }

    /** k = min(S*keyBlocks - 1, topk): the selection keeps the values above the (k+1)-th largest. */
    public int k() {
        return Math.min(groupEntries() - 1, topk());
    }
}
