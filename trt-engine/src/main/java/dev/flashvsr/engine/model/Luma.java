package dev.flashvsr.engine.model;

/** BT.601 luma weights, as the graphs' luma convolutions and channel sums use them. */
public final class Luma {
    /** Y' = 0.299 R + 0.587 G + 0.114 B, in the units of R, G and B. */
    public static final float[] WEIGHTS = {0.299f, 0.587f, 0.114f};
    /** The same weights times 255: luma in 8-bit levels from RGB in [0, 1]. */
    public static final float[] LEVELS = {0.299f * 255, 0.587f * 255, 0.114f * 255};

    private Luma() {
    }
}
