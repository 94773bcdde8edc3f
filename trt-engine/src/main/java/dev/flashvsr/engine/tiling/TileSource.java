package dev.flashvsr.engine.tiling;

/**
 * Provides a tile's input, for callers that convert tiles straight from a video frame (for
 * example {@code ColorConverter.toPlanarRgb(frame, x, y, w, h, dst, 0)}) instead of holding a
 * whole-frame float image.
 */
@FunctionalInterface
public interface TileSource {

    /** Writes planar float RGB of the tile: 3 planes of {@code tile.width() x tile.height()} from index 0. */
    void read(Tile tile, float[] destination);
}
