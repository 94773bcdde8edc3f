package dev.flashvsr.engine.flashvsr.pixels;

/**
 * Resizes 8-bit RGB frames (interleaved HWC) exactly as Pillow 9.4's {@code Image.resize(size,
 * BICUBIC)} does for "RGB" images, which is how upstream FlashVSR upscales its low-resolution
 * input: separable Keys cubic (a = -0.5), support 2 widened by the shrink factor, pixel-centre
 * mapping over the whole image, input pixels outside the image left out and each output's weights
 * renormalised to sum 1, then fixed point with 22 fraction bits; every pass accumulates from one
 * half, shifts and clamps to 0..255. The horizontal pass runs first, each pass only when its
 * dimension changes. Reusable for any number of frames of one size; not thread-safe.
 */
public final class PilBicubic {
    private static final int CHANNELS = 3;

    private final int inWidth;
    private final int inHeight;
    private final int outWidth;
    private final int outHeight;
    private final PilAxisTaps horizontal;
    private final PilAxisTaps vertical;
    private final byte[] intermediate;

    public PilBicubic(int inWidth, int inHeight, int outWidth, int outHeight) {
        if (inHeight < 1 || outWidth < 1 || inWidth < 1 || outHeight < 1) {
            throw new IllegalArgumentException("resize sizes must be positive, got " + inWidth + "x" + inHeight
                    + " -> " + outWidth + "x" + outHeight);
        }
        this.inWidth = inWidth;
        this.inHeight = inHeight;
        this.outWidth = outWidth;
        this.outHeight = outHeight;
        horizontal = inWidth != outWidth ? new PilAxisTaps(inWidth, outWidth) : null;
        vertical = inHeight != outHeight ? new PilAxisTaps(inHeight, outHeight) : null;
        intermediate = horizontal != null && vertical != null ? new byte[inHeight * outWidth * CHANNELS] : null;
    }

    /** One-off resize; allocates the result. */
    public static byte[] resize(byte[] rgb, int inWidth, int inHeight, int outWidth, int outHeight) {
        byte[] out = new byte[outWidth * outHeight * CHANNELS];
        new PilBicubic(inWidth, inHeight, outWidth, outHeight).resize(rgb, 0, out, 0);
        return out;
    }

    /** Resizes the frame at {@code in[inOffset..]} into {@code out[outOffset..]}; allocation-free. */
    public void resize(byte[] in, int inOffset, byte[] out, int outOffset) {
        if (in.length - inOffset < inWidth * inHeight * CHANNELS || out.length - outOffset < outWidth * outHeight * CHANNELS) {
            throw new IllegalArgumentException("frame buffers too small for " + inWidth + "x" + inHeight + " -> "
                    + outWidth + "x" + outHeight + " RGB");
        }
        if (horizontal == null && vertical == null) {
            System.arraycopy(in, inOffset, out, outOffset, inWidth * inHeight * CHANNELS);
        } else if (vertical == null) {
            resizeRows(in, inOffset, out, outOffset);
        } else if (horizontal == null) {
            resizeColumns(in, inOffset, inWidth, out, outOffset);
        } else {
            resizeRows(in, inOffset, intermediate, 0);
            resizeColumns(intermediate, 0, outWidth, out, outOffset);
        }
    }

    /** Horizontal pass: inHeight rows of inWidth to outWidth pixels. */
    private void resizeRows(byte[] in, int inOffset, byte[] out, int outOffset) {
        PilAxisTaps t = horizontal;
        for (int y = 0; y < inHeight; y++) {
            int row = inOffset + y * inWidth * CHANNELS;
            for (int x = 0; x < outWidth; x++) {
                int w = x * t.stride;
                int src = row + t.first[x] * CHANNELS;
                for (int c = 0; c < CHANNELS; c++) {
                    int acc = PilAxisTaps.half();
                    for (int i = 0; i < t.count[x]; i++) {
                        acc += (in[src + i * CHANNELS + c] & 0xFF) * t.weights[w + i];
                    }
                    out[outOffset + (y * outWidth + x) * CHANNELS + c] = PilAxisTaps.clip8(acc);
                }
            }
        }
    }

    /** Vertical pass: inHeight to outHeight rows of {@code width} pixels. */
    private void resizeColumns(byte[] in, int inOffset, int width, byte[] out, int outOffset) {
        PilAxisTaps t = vertical;
        int rowBytes = width * CHANNELS;
        for (int y = 0; y < outHeight; y++) {
            int w = y * t.stride;
            int src = inOffset + t.first[y] * rowBytes;
            for (int xc = 0; xc < rowBytes; xc++) {
                int acc = PilAxisTaps.half();
                for (int i = 0; i < t.count[y]; i++) {
                    acc += (in[src + i * rowBytes + xc] & 0xFF) * t.weights[w + i];
                }
                out[outOffset + y * rowBytes + xc] = PilAxisTaps.clip8(acc);
            }
        }
    }
}
