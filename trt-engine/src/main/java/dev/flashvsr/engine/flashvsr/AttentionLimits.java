package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;

/**
 * The ranges of the LCSA settings, checked where they enter: {@code flashvsr import}'s options and
 * a package manifest's {@code attention} object.
 */
public final class AttentionLimits {
    /** Local window side in blocks of 128 pixels: 255 already spans an 8K frame (60x34 blocks). */
    public static final int MAX_LOCAL_RANGE = 255;
    /** Sparse and top-k ratios above this select every block anyway. */
    public static final double MAX_RATIO = 1e6;
    private static final String REMEDY = "Re-import with values in range (see flashvsr import --help)";

    private AttentionLimits() {
    }

    static void checkLocalRange(int value, String what) throws EngineException {
        if (value < 1 || value > MAX_LOCAL_RANGE) {
            throw new EngineException(what + " must be between 1 and " + MAX_LOCAL_RANGE + ", not " + value, REMEDY);
        }
    }

    static void checkRatio(double value, String what) throws EngineException {
        if (!(value > 0) || value > MAX_RATIO) {
            throw new EngineException(what + " must be a finite number greater than 0 and at most "
                    + (long) MAX_RATIO + ", not " + value, REMEDY);
        }
    }
}
