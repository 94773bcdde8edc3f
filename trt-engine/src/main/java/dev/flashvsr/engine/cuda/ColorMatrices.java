package dev.flashvsr.engine.cuda;

import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.color.YuvCoefficients;

/**
 * The colour kernels' matrix arguments, derived from a stream's {@link YuvCoefficients} in double
 * and rounded to float once, as {@link dev.flashvsr.engine.color.ColorConverter} derives its own, so
 * kernel and CPU results agree.
 */
public final class ColorMatrices {
    private ColorMatrices() {
    }

    /** Y'CbCr to R'G'B' (color_to_planar.cu): the range and the four non-trivial matrix entries. */
    public record Decode(float yOffset, float yScale, float cScale, float rCr, float gCb, float gCr, float bCb) {
        public static Decode of(YuvCoefficients c) {
            double kr = c.kr();
            double kb = c.kb();
            double kg = c.kg();
            return new Decode((float) c.yOffset(), (float) c.yScale(), (float) c.cScale(),
                    (float) (2 * (1 - kr)), (float) (-2 * kb * (1 - kb) / kg), (float) (-2 * kr * (1 - kr) / kg),
                    (float) (2 * (1 - kb)));
        }
    }

    /**
     * R'G'B' to Y'CbCr (planar_to_color.cu): the rows of the encoding matrix with the range folded
     * in, and the luma offset plus the 0.5 that turns truncation into rounding.
     */
    public record Encode(float yR, float yG, float yB, float yOff, float cbR, float cbG, float cbB, float crR,
            float crG, float crB) {
        public static Encode of(YuvCoefficients c) {
            double kr = c.kr();
            double kb = c.kb();
            double kg = c.kg();
            double sb = c.cScale() / (2 * (1 - kb));
            double sr = c.cScale() / (2 * (1 - kr));
            return new Encode((float) (c.yScale() * kr), (float) (c.yScale() * kg),
                    (float) (c.yScale() * kb), (float) (c.yOffset() + 0.5), (float) (-kr * sb), (float) (-kg * sb),
                    (float) ((1 - kb) * sb), (float) ((1 - kr) * sr), (float) (-kg * sr), (float) (-kb * sr));
        }
    }

    /** The byte of a packed RGB pixel that holds red (blue is at {@code 2 - redIndex}). */
    public static int redIndex(PixelFormat format) {
        return switch (format) {
            case RGB, RGBA, RGBX -> 0;
            case BGR, BGRA, BGRX -> 2;
            default -> throw new IllegalArgumentException(format + " is not packed RGB");
        };
    }
}
