package dev.flashvsr.engine.flashvsr.pixels;

/**
 * Upstream FlashVSR's pre- and post-processing of frames, reproduced for reference runs and
 * golden comparisons (our own pipeline pads instead of cropping and keeps every frame).
 */
public final class UpstreamFrames {
    /** Output sizes are cropped to multiples of this. */
    public static final int SIZE_MULTIPLE = 128;
    /** Copies of the last frame upstream appends before truncating to 8n+1 frames. */
    public static final int TAIL_COPIES = 4;

    private static final float[] U8_TO_FLOAT = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            U8_TO_FLOAT[v] = v / 255f * 2f - 1f;
        }
    }

    private UpstreamFrames() {
    }

    /** The upscaled size, {@code round(scale * size)} with Python's round (half to even). */
    public static int scaledSize(int size, double scale) {
        return (int) Math.rint(size * scale);
    }

    /**
     * The output size: the upscaled size rounded down to a multiple of 128 (equal to
     * floor(scale * size / 128) * 128 when scale * size is a whole number).
     */
    public static int targetSize(int size, double scale) {
        int target = scaledSize(size, scale) / SIZE_MULTIPLE * SIZE_MULTIPLE;
        if (target == 0) {
            throw new IllegalArgumentException("size " + size + " x scale " + scale + " is below " + SIZE_MULTIPLE
                    + " pixels, upstream's smallest output");
        }
        return target;
    }

    /** Offset of the centre crop from the upscaled to the target size: (scaled - target) // 2. */
    public static int cropOffset(int scaledSize, int targetSize) {
        return Math.floorDiv(scaledSize - targetSize, 2);
    }

    /** F: the largest 8n+1 not above frames + 4 (upstream's padded and truncated frame count). */
    public static int paddedFrameCount(int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("need at least one frame, got " + frames);
        }
        return (frames + TAIL_COPIES - 1) / 8 * 8 + 1;
    }

    /** The source frame of each of the F padded frames (the last frame repeated, then truncated). */
    public static int[] paddedFrameIndices(int frames) {
        int[] indices = new int[paddedFrameCount(frames)];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = Math.min(i, frames - 1);
        }
        return indices;
    }

    /** Frames upstream outputs: F - 4 (up to 7 real frames lost at the tail). */
    public static int outputFrameCount(int frames) {
        return paddedFrameCount(frames) - TAIL_COPIES;
    }

    /** {@code u8 / 255 * 2 - 1} in float32, operation by operation as upstream computes it. */
    public static float toFloat(int u8) {
        return U8_TO_FLOAT[u8 & 0xFF];
    }

    /** {@code (x + 1) * 127.5} clipped to [0, 255], then truncated (not rounded), as upstream does. */
    public static int toU8(float x) {
        float v = (x + 1f) * 127.5f;
        return (int) Math.min(255f, Math.max(0f, v));
    }

    /** Interleaved HWC RGB bytes to planar [3, H, W] floats in [-1, 1]. */
    public static void toPlanarFloat(byte[] rgb, int width, int height, float[] planar) {
        int plane = width * height;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                planar[c * plane + i] = toFloat(rgb[i * 3 + c]);
            }
        }
    }

    /** Planar [3, H, W] floats to interleaved HWC RGB bytes, with {@link #toU8}. */
    public static void toInterleavedU8(float[] planar, int width, int height, byte[] rgb) {
        int plane = width * height;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                rgb[i * 3 + c] = (byte) toU8(planar[c * plane + i]);
            }
        }
    }
}
