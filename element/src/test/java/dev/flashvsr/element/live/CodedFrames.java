package dev.flashvsr.element.live;

/**
 * I420 test frames that carry their number in big black and white blocks (16 bits, then their
 * complement as a check), readable after H.264 coding and upscaling, so the receiving end of a
 * stream knows which sent frame each output is.
 */
final class CodedFrames {
    static final int BITS = 16;
    /** Rows of one row of code blocks, at the sent size. */
    static final int BLOCK_ROWS = 16;
    private static final int BLACK = 16;
    private static final int WHITE = 235;

    private CodedFrames() {
    }

    /** A frame of the given size (width a multiple of 16, both even) showing {@code number}. */
    static byte[] frame(int width, int height, int number) {
        byte[] frame = new byte[width * height * 3 / 2];
        int blockWidth = width / BITS;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int value;
                if (y < 2 * BLOCK_ROWS) {
                    boolean bit = ((number >> (x / blockWidth)) & 1) != 0;
                    value = bit != (y >= BLOCK_ROWS) ? WHITE : BLACK;
                } else {
                    // Moving texture below the code, so the encoder has real work.
                    value = 64 + ((x + 3 * number) ^ (y + number)) % 128;
                }
                frame[y * width + x] = (byte) value;
            }
        }
        java.util.Arrays.fill(frame, width * height, frame.length, (byte) 128);
        return frame;
    }

    /**
     * Reads the number from the luma plane of a frame {@code scale} times the sent size
     * ({@code width} is its width); -1 when
     * the check row does not match (a frame damaged by lost packets).
     */
    static int read(byte[] luma, int stride, int width, int scale) {
        int blockWidth = width / BITS;
        int valueRow = BLOCK_ROWS * scale / 2;
        int checkRow = BLOCK_ROWS * scale * 3 / 2;
        int number = 0;
        for (int bit = 0; bit < BITS; bit++) {
            int x = bit * blockWidth + blockWidth / 2;
            boolean value = (luma[valueRow * stride + x] & 0xff) > 128;
            boolean check = (luma[checkRow * stride + x] & 0xff) > 128;
            if (value == check) {
                return -1;
            }
            number |= (value ? 1 : 0) << bit;
        }
        return number;
    }
}
