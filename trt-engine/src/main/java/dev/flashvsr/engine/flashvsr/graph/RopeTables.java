package dev.flashvsr.engine.flashvsr.graph;

/**
 * Rotary-embedding tables of one axis: for position p and pair j of an axis with {@code dims}
 * dims, angle = p / theta^(2j / dims), computed in float64 and rounded to float32 as cos and sin.
 *
 * @param cos [positions, dims / 2] row-major
 * @param sin [positions, dims / 2] row-major
 */
public record RopeTables(int positions, int pairs, float[] cos, float[] sin) {

    public static RopeTables of(int positions, int dims, double theta) {
        int pairs = dims / 2;
        float[] cos = new float[positions * pairs];
        float[] sin = new float[positions * pairs];
        for (int p = 0; p < positions; p++) {
            for (int j = 0; j < pairs; j++) {
                double angle = p / Math.pow(theta, 2.0 * j / dims);
                cos[p * pairs + j] = (float) Math.cos(angle);
                sin[p * pairs + j] = (float) Math.sin(angle);
            }
        }
        return new RopeTables(positions, pairs, cos, sin);
    }
}
