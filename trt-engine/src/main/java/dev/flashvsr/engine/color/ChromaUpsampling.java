package dev.flashvsr.engine.color;

/**
 * How the 4:2:0 chroma planes are brought to full resolution when a YUV frame is converted to RGB.
 *
 * <p>Chroma samples are taken as centre-sited: chroma sample (j, i) sits at the centre of the 2x2
 * luma block (2j..2j+1, 2i..2i+1). This is the JPEG / MPEG-1 siting; MPEG-2 and H.264 site chroma
 * horizontally on the even luma column, which differs by a quarter of a chroma sample and is
 * approximated here. The output direction ({@link ColorConverter#fromPlanarRgb}) averages each 2x2
 * block, which is consistent with the same siting.
 */
public enum ChromaUpsampling {
    /** Each chroma sample is repeated over its 2x2 luma block. Exactly inverts the 2x2 averaging of the output direction. */
    NEAREST,
    /**
     * Bilinear interpolation between centre-sited chroma samples: weights 3/4 and 1/4 in each
     * direction (9/16, 3/16, 3/16, 1/16 in 2-D), edge samples repeated. Smoother chroma edges.
     */
    BILINEAR
}
