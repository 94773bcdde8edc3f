package dev.flashvsr.engine.color;

import dev.flashvsr.engine.Colorimetry;

/**
 * The Y'CbCr constants of one matrix and range, for 8-bit samples.
 *
 * <p>With {@code Kg = 1 - Kr - Kb}, normalised R'G'B' in [0, 1]:
 * {@code Y' = Kr R + Kg G + Kb B}, {@code Pb = (B - Y') / (2 (1 - Kb))}, {@code Pr = (R - Y') / (2 (1 - Kr))},
 * and the 8-bit codes are {@code Y = yOffset + yScale Y'}, {@code Cb = 128 + cScale Pb},
 * {@code Cr = 128 + cScale Pr}: limited range {@code yOffset = 16, yScale = 219, cScale = 224}
 * (Y 16..235, C 16..240), full range {@code yOffset = 0, yScale = 255, cScale = 255}.
 *
 * @param kr red luma weight (BT.601 0.299, BT.709 0.2126, BT.2020 0.2627)
 * @param kb blue luma weight (BT.601 0.114, BT.709 0.0722, BT.2020 0.0593)
 */
public record YuvCoefficients(double kr, double kb, double yOffset, double yScale, double cScale) {

    /** The constants of a YUV matrix; {@link Colorimetry.Matrix#RGB} has none and is rejected. */
    public static YuvCoefficients of(Colorimetry.Matrix matrix, boolean fullRange) {
        double kr;
        double kb;
        switch (matrix) {
            case BT601 -> {
                kr = 0.299;
                kb = 0.114;
            }
            case BT709 -> {
                kr = 0.2126;
                kb = 0.0722;
            }
            case BT2020 -> {
                kr = 0.2627;
                kb = 0.0593;
            }
            default -> throw new IllegalArgumentException("matrix " + matrix + " has no Y'CbCr constants");
        }
        return fullRange ? new YuvCoefficients(kr, kb, 0, 255, 255) : new YuvCoefficients(kr, kb, 16, 219, 224);
    }

    public double kg() {
        return 1 - kr - kb;
    }
}
