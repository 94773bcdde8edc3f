package dev.flashvsr.engine.flashvsr.graph;

/**
 * The LCSA locality rule between the spatial blocks of one time group (upstream's "normal slide"
 * local mask): on a grid of {@code rows} x {@code cols} blocks, numbered row-major, the query block
 * (r, c) may attend the key block (r', c') iff {@code r - range/2 <= r' <= r - range/2 + range - 1}
 * and the same holds for the columns. The window is not shifted back inside the grid at the
 * borders (it is truncated there), and for an even range it reaches one block further up/left than
 * down/right.
 */
public final class LocalBlockMask {
    private LocalBlockMask() {
    }

    /** The [S][S] mask, S = rows * cols; entry [query block][key block] is true where allowed. */
    public static boolean[][] of(int rows, int cols, int range) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("block grid must be at least 1x1, got " + rows + "x" + cols);
        }
        if (range < 1) {
            throw new IllegalArgumentException("local range must be at least 1 (a query block must see itself), got "
                    + range);
        }
        int blocks = rows * cols;
        boolean[][] allowed = new boolean[blocks][blocks];
        for (int q = 0; q < blocks; q++) {
            int rowStart = q / cols - range / 2;
            int colStart = q % cols - range / 2;
            for (int k = 0; k < blocks; k++) {
                int r = k / cols;
                int c = k % cols;
                allowed[q][k] = r >= rowStart && r < rowStart + range && c >= colStart && c < colStart + range;
            }
        }
        return allowed;
    }
}
