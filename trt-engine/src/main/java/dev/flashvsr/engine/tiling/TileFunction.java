package dev.flashvsr.engine.tiling;

/**
 * Upscales one tile. Keeps any per-tile state (for example a recurrent hidden tensor) keyed by
 * {@link Tile#index()}, which is stable for a {@link TilePlan}.
 */
@FunctionalInterface
public interface TileFunction {

    /**
     * @param tile   the tile, in input pixels
     * @param input  planar float RGB of the tile: 3 planes of {@code tile.width() x tile.height()}
     *               from index 0 (plane stride {@code width * height}); read only (it may be the
     *               caller's whole-frame input when the plan has one tile)
     * @param output to fill: 3 planes of {@code scale * width x scale * height} from index 0
     *               (plane stride {@code scale^2 * width * height}); its previous content is
     *               undefined
     */
    void apply(Tile tile, float[] input, float[] output);
}
