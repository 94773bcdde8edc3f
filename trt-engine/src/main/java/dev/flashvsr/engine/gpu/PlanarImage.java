package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.cuda.DeviceBuffer;

/**
 * A planar R'G'B' image, NCHW with N = 1 (the layout the model graphs take), in a GPU buffer:
 * channel c, row y, column x at element {@code c * planeStride + y * rowStride + x}.
 *
 * @param half FP16 elements when true, else FP32
 */
public record PlanarImage(DeviceBuffer buffer, boolean half, int width, int height, int rowStride, int planeStride) {
    public static final int CHANNELS = 3;

    public PlanarImage {
        long needed = ((long) (CHANNELS - 1) * planeStride + (long) (height - 1) * rowStride + width)
                * (half ? 2 : 4);
        if (rowStride < width || planeStride < (long) rowStride * height || buffer.bytes() < needed) {
            throw new IllegalArgumentException("a " + width + "x" + height + " planar image with row stride "
                    + rowStride + " and plane stride " + planeStride + " does not fit " + buffer);
        }
    }

    /** Bytes a tightly packed image of this size takes. */
    public static long bytes(int width, int height, boolean half) {
        return (long) CHANNELS * width * height * (half ? 2 : 4);
    }

    /** A tightly packed image over the start of {@code buffer}. */
    public static PlanarImage tight(DeviceBuffer buffer, boolean half, int width, int height) {
        return new PlanarImage(buffer, half, width, height, width, width * height);
    }

    public int halfFlag() {
        return half ? 1 : 0;
    }
}
