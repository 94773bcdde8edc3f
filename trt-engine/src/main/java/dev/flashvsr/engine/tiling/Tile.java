package dev.flashvsr.engine.tiling;

/**
 * One tile of a {@link TilePlan}, in input pixels.
 *
 * @param index  row-major index ({@code row * columns + column}), stable for a plan: use it to key
 *               per-tile state such as a recurrent hidden tensor
 * @param column tile column
 * @param row    tile row
 */
public record Tile(int index, int column, int row, int x, int y, int width, int height) {
}
