package dev.flashvsr.engine.flashvsr.graph;

/**
 * The token grid of one DiT call and its attention-block order. Patch embedding gives tokens in
 * (frame, row, column) order; attention runs on blocks of {@code blockFrames x blockRows x
 * blockCols} tokens (2 x 8 x 8 = 128): token (t, y, x) goes to block (t / 2, y / 8, x / 8), block
 * index {@code tb * S + yb * (cols / 8) + xb} with S = (rows / 8) (cols / 8) blocks per time group,
 * and inside its block to position (t % 2, y % 8, x % 8). Every other op is per token, so the
 * graph reorders the tokens once after patch embedding and back once before unpatchify.
 *
 * <p>Requirement: the token grid (latent size / 2) must be a whole number of blocks, i.e. latent
 * height and width multiples of 16 (output pixels multiples of 128), and the latent frame count a
 * multiple of 2.
 */
record DitTokenGrid(int frames, int rows, int cols, int blockFrames, int blockRows, int blockCols) {

    DitTokenGrid {
        if (frames <= 0 || frames % blockFrames != 0 || rows <= 0 || rows % blockRows != 0 || cols <= 0
                || cols % blockCols != 0) {
            throw new IllegalArgumentException("token grid " + frames + "x" + rows + "x" + cols + " (frames x rows x cols)"
                    + " is not a whole number of " + blockFrames + "x" + blockRows + "x" + blockCols
                    + " attention blocks: latent frames must be a multiple of " + blockFrames
                    + " and the latent height and width multiples of twice the block size");
        }
    }

    static DitTokenGrid of(DitDims dims, int latentFrames, int latentHeight, int latentWidth) {
        if (latentHeight % dims.patchH() != 0 || latentWidth % dims.patchW() != 0) {
            throw new IllegalArgumentException("latent size " + latentHeight + "x" + latentWidth
                    + " is not a multiple of the patch size " + dims.patchH() + "x" + dims.patchW());
        }
        return new DitTokenGrid(latentFrames, latentHeight / dims.patchH(), latentWidth / dims.patchW(),
                dims.blockFrames(), dims.blockRows(), dims.blockCols());
    }

    int tokens() {
        return frames * rows * cols;
    }

    int tokensPerBlock() {
        return blockFrames * blockRows * blockCols;
    }

    /** Time groups (of blockFrames latent frames) in this call. */
    int groups() {
        return frames / blockFrames;
    }

    int blockGridRows() {
        return rows / blockRows;
    }

    int blockGridCols() {
        return cols / blockCols;
    }

    /** Blocks per time group, S. */
    int blocksPerGroup() {
        return blockGridRows() * blockGridCols();
    }

    int blocks() {
        return groups() * blocksPerGroup();
    }

    /** [tokens, features] in (frame, row, column) order to block order. */
    String toBlockOrder(GraphOps ops, String x, int features) {
        String split = ops.reshape(x, groups(), blockFrames, blockGridRows(), blockRows, blockGridCols(), blockCols,
                features);
        return ops.reshape(ops.transpose(split, 0, 2, 4, 1, 3, 5, 6), tokens(), features);
    }

    /** [tokens, features] in block order back to (frame, row, column) order. */
    String fromBlockOrder(GraphOps ops, String x, int features) {
        String split = ops.reshape(x, groups(), blockGridRows(), blockGridCols(), blockFrames, blockRows, blockCols,
                features);
        return ops.reshape(ops.transpose(split, 0, 3, 1, 4, 2, 5, 6), tokens(), features);
    }

    /** Latent frame (0-based within the call), row and column of each token in block order: [3][tokens]. */
    long[][] blockOrderPositions() {
        long[][] pos = new long[3][tokens()];
        int i = 0;
        for (int g = 0; g < groups(); g++) {
            for (int by = 0; by < blockGridRows(); by++) {
                for (int bx = 0; bx < blockGridCols(); bx++) {
                    for (int t = 0; t < blockFrames; t++) {
                        for (int y = 0; y < blockRows; y++) {
                            for (int x = 0; x < blockCols; x++) {
                                pos[0][i] = (long) g * blockFrames + t;
                                pos[1][i] = (long) by * blockRows + y;
                                pos[2][i] = (long) bx * blockCols + x;
                                i++;
                            }
                        }
                    }
                }
            }
        }
        return pos;
    }
}
