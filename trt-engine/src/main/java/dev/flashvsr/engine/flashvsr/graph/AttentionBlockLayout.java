package dev.flashvsr.engine.flashvsr.graph;

/**
 * How one self-attention call is cut into blocks: queries and keys are block-ordered token
 * sequences (see {@link DitTokenGrid}) of {@code blockTokens} tokens per block and
 * {@code blockRows x blockCols} blocks per time group; the queries span {@code queryGroups}
 * groups, the keys {@code keyGroups} (the cached groups first, then the current ones).
 *
 * @param blockRows rows of the spatial block grid (token rows / 8)
 * @param blockCols columns of the spatial block grid (token columns / 8)
 */
public record AttentionBlockLayout(int heads, int headDim, int blockTokens, int blockRows, int blockCols,
        int queryGroups, int keyGroups) {

    /** Blocks per time group, S. */
    public int blocksPerGroup() {
        return blockRows * blockCols;
    }

    public int queryBlocks() {
        return queryGroups * blocksPerGroup();
    }

    public int keyBlocks() {
        return keyGroups * blocksPerGroup();
    }

    public int queryTokens() {
        return queryBlocks() * blockTokens;
    }

    public int keyTokens() {
        return keyBlocks() * blockTokens;
    }
}
