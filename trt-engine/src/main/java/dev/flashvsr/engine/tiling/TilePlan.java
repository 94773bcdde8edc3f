package dev.flashvsr.engine.tiling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How a {@code width x height} input frame is split into overlapping square tiles, and the blend
 * weights that stitch the tiles' upscaled outputs without seams.
 *
 * <p><b>Tiles.</b> Along each axis independently: a tile size of 0, or a frame no longer than the
 * tile size, gives one tile covering the whole axis. Otherwise tiles of exactly {@code tileSize}
 * pixels start every {@code tileSize - overlap} pixels, and the last one is shifted inward to end
 * at the frame's edge, so every tile is full size and neighbours share at least {@code overlap}
 * pixels (the last pair may share more). All tiles of a plan have the same size. Tiles are indexed
 * row-major.
 *
 * <p><b>Weights.</b> Each pair of neighbouring tiles along an axis has a blend zone of
 * {@code overlap} input pixels ({@code scale * overlap} output pixels) inside their shared
 * pixels: the shared pixels themselves for regularly spaced tiles; centred in the larger shared
 * span of the shifted last tile (and never overlapping the previous zone). Across a zone the
 * weight ramps linearly (feathering): at output pixel {@code k} (0-based) of a zone of {@code n}
 * pixels the incoming tile weighs {@code (k + 0.5) / n} and the outgoing one the rest. Outside the
 * zones a tile weighs exactly 1 up to the zone and exactly 0 beyond it; there is no ramp at frame
 * borders. The 2-D weight is the product of the column and row weights, so the weights of all
 * tiles sum to 1 at every output pixel (to float rounding inside zones, exactly elsewhere). With
 * overlap 0 the zones are empty and tiles meet edge to edge (cut in the middle of any extra
 * sharing of the last tile).
 */
public final class TilePlan {
    private final int width;
    private final int height;
    private final int tileSize;
    private final int overlap;
    private final int scale;
    private final Axis xAxis;
    private final Axis yAxis;
    private final List<Tile> tiles;

    private TilePlan(int width, int height, int tileSize, int overlap, int scale) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (tileSize < 0 || overlap < 0) {
            throw new IllegalArgumentException("tile size and overlap must not be negative, got " + tileSize
                    + " and " + overlap);
        }
        if (tileSize > 0 && 2 * overlap >= tileSize) {
            throw new IllegalArgumentException(
                    "tile overlap " + overlap + " must be less than half of tile size " + tileSize);
        }
        if (scale < 1 || scale > 16) {
            throw new IllegalArgumentException("scale must be 1..16, got " + scale);
        }
        if ((long) width * scale * height * scale * 3 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("output " + width * (long) scale + "x" + height * (long) scale
                    + " is too large");
        }
        this.width = width;
        this.height = height;
        this.tileSize = tileSize;
        this.overlap = tileSize == 0 ? 0 : overlap;
        this.scale = scale;
        this.xAxis = new Axis(width, tileSize, this.overlap, scale);
        this.yAxis = new Axis(height, tileSize, this.overlap, scale);
        List<Tile> list = new ArrayList<>(xAxis.count * yAxis.count);
        for (int r = 0; r < yAxis.count; r++) {
            for (int c = 0; c < xAxis.count; c++) {
                list.add(new Tile(list.size(), c, r, xAxis.pos[c], yAxis.pos[r], xAxis.length, yAxis.length));
            }
        }
        this.tiles = Collections.unmodifiableList(list);
    }

    /**
     * @param tileSize input tile edge in pixels; 0 = one tile for the whole frame
     * @param overlap  input pixels shared by neighbouring tiles; must be less than half of a
     *                 non-zero tile size (ignored when it is 0)
     * @param scale    output pixels per input pixel along each axis
     */
    public static TilePlan of(int width, int height, int tileSize, int overlap, int scale) {
        return new TilePlan(width, height, tileSize, overlap, scale);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int tileSize() {
        return tileSize;
    }

    /** The overlap in force: as given, or 0 when the tile size is 0. */
    public int overlap() {
        return overlap;
    }

    public int scale() {
        return scale;
    }

    public int outputWidth() {
        return width * scale;
    }

    public int outputHeight() {
        return height * scale;
    }

    public int columns() {
        return xAxis.count;
    }

    public int rows() {
        return yAxis.count;
    }

    public int tileCount() {
        return tiles.size();
    }

    /** Input width of every tile: {@code min(tileSize, width)}, or the width when the tile size is 0. */
    public int tileWidth() {
        return xAxis.length;
    }

    /** Input height of every tile. */
    public int tileHeight() {
        return yAxis.length;
    }

    public Tile tile(int index) {
        return tiles.get(index);
    }

    public Tile tile(int column, int row) {
        return tiles.get(row * xAxis.count + column);
    }

    /** Every tile, row-major. */
    public List<Tile> tiles() {
        return tiles;
    }

    /** Weight of a tile column at a column of the tile's output ({@code 0 <= localX < scale * tileWidth()}). */
    public float columnWeight(int column, int localX) {
        return xAxis.weights[column][localX];
    }

    /** Weight of a tile row at a row of the tile's output. */
    public float rowWeight(int row, int localY) {
        return yAxis.weights[row][localY];
    }

    /** Blend weight of a tile at a pixel of its output, in the tile's output coordinates. */
    public float weight(int index, int localX, int localY) {
        Tile t = tiles.get(index);
        return xAxis.weights[t.column()][localX] * yAxis.weights[t.row()][localY];
    }

    /** The tile column's weights along its output width (shared array: do not modify). */
    float[] columnWeights(int column) {
        return xAxis.weights[column];
    }

    float[] rowWeights(int row) {
        return yAxis.weights[row];
    }

    /** First output column (tile-local) where the tile column's weight is not 0. */
    public int columnWeightStart(int column) {
        return xAxis.start[column];
    }

    /** One past the last output column (tile-local) where the tile column's weight is not 0. */
    public int columnWeightEnd(int column) {
        return xAxis.end[column];
    }

    public int rowWeightStart(int row) {
        return yAxis.start[row];
    }

    public int rowWeightEnd(int row) {
        return yAxis.end[row];
    }

    /**
     * Output rows {@code [0, finishedRows(row))} get no weight from tile rows after {@code row}:
     * they are final once tile rows {@code 0..row} have been added. The start of the next blend
     * zone, or the output height for the last row.
     */
    public int finishedRows(int row) {
        return row < yAxis.count - 1 ? scale * yAxis.zone[row] : outputHeight();
    }

    /** Start, in input pixels, of the blend zone between tile column {@code c} and {@code c + 1}. */
    public int columnZoneStart(int c) {
        return xAxis.zone[c];
    }

    /** Start, in input pixels, of the blend zone between tile row {@code r} and {@code r + 1}. */
    public int rowZoneStart(int r) {
        return yAxis.zone[r];
    }

    @Override
    public String toString() {
        return "TilePlan[" + width + "x" + height + ", tile " + tileSize + ", overlap " + overlap + ", scale " + scale
                + ": " + columns() + "x" + rows() + " tiles of " + tileWidth() + "x" + tileHeight() + "]";
    }

    /** Tiles and 1-D weights along one axis. */
    private static final class Axis {
        final int count;
        final int length;
        final int[] pos;
        final int[] zone; // zone[i]: input start of the blend zone between tile i and i + 1
        final float[][] weights;
        final int[] start;
        final int[] end;

        Axis(int size, int tileSize, int overlap, int scale) {
            if (tileSize == 0 || size <= tileSize) {
                count = 1;
                length = size;
                pos = new int[] {0};
            } else {
                int step = tileSize - overlap;
                count = (size - tileSize + step - 1) / step + 1;
                length = tileSize;
                pos = new int[count];
                for (int i = 0; i < count; i++) {
                    pos[i] = Math.min(i * step, size - tileSize);
                }
            }
            zone = new int[Math.max(0, count - 1)];
            int previousEnd = 0;
            for (int i = 0; i < count - 1; i++) {
                int sharedStart = pos[i + 1];
                int sharedEnd = pos[i] + length;
                int a = Math.max(sharedStart + (sharedEnd - sharedStart - overlap) / 2, previousEnd);
                if (a < sharedStart || a + overlap > sharedEnd) {
                    throw new IllegalStateException("no room for blend zone " + i); // excluded by 2 * overlap < tileSize
                }
                zone[i] = a;
                previousEnd = a + overlap;
            }
            int outLength = length * scale;
            int ramp = overlap * scale;
            weights = new float[count][outLength];
            start = new int[count];
            end = new int[count];
            for (int i = 0; i < count; i++) {
                int origin = pos[i] * scale;
                int lo = i > 0 ? zone[i - 1] * scale - origin : 0; // incoming ramp starts here
                int hi = i < count - 1 ? zone[i] * scale - origin : outLength; // outgoing ramp starts here
                float[] w = weights[i];
                for (int p = 0; p < outLength; p++) {
                    double v;
                    if (p < lo) {
                        v = 0;
                    } else if (i > 0 && p < lo + ramp) {
                        v = (p - lo + 0.5) / ramp;
                    } else if (p < hi) {
                        v = 1;
                    } else if (i < count - 1 && p < hi + ramp) {
                        v = 1 - (p - hi + 0.5) / ramp;
                    } else {
                        v = 0;
                    }
                    w[p] = (float) v;
                }
                start[i] = lo;
                end[i] = i < count - 1 ? hi + ramp : outLength;
            }
        }
    }
}
