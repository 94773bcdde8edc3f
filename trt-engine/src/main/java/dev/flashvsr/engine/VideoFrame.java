package dev.flashvsr.engine;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of one raw video frame: one buffer per plane (each starting at the plane's first byte) and
 * the byte stride of each plane. The buffers may be mapped GStreamer memory, valid only for the
 * call they are passed to: a session that needs a frame later copies what it needs.
 */
public final class VideoFrame {
    private final PixelFormat format;
    private final int width;
    private final int height;
    private final ByteBuffer[] planes;
    private final int[] strides;

    public VideoFrame(PixelFormat format, int width, int height, ByteBuffer[] planes, int[] strides) {
        this.format = Objects.requireNonNull(format);
        if (planes.length != format.planeCount() || strides.length != format.planeCount()) {
            throw new IllegalArgumentException(format + " needs " + format.planeCount() + " planes");
        }
        for (int p = 0; p < planes.length; p++) {
            int rowBytes = format.planeWidth(p, width) * format.pixelStride(p);
            long needed = (long) strides[p] * (format.planeHeight(p, height) - 1) + rowBytes;
            if (strides[p] < rowBytes || planes[p].capacity() < needed) {
                throw new IllegalArgumentException("plane " + p + " of a " + width + "x" + height + " " + format
                        + " frame needs stride >= " + rowBytes + " and " + needed + " bytes, got stride "
                        + strides[p] + " and " + planes[p].capacity() + " bytes");
            }
        }
        this.width = width;
        this.height = height;
        this.planes = planes.clone();
        this.strides = strides.clone();
    }

    /** A frame in fresh heap memory with GStreamer's default layout (rows padded to 4 bytes). */
    public static VideoFrame allocate(PixelFormat format, int width, int height) {
        ByteBuffer[] planes = new ByteBuffer[format.planeCount()];
        int[] strides = new int[format.planeCount()];
        for (int p = 0; p < planes.length; p++) {
            strides[p] = defaultStride(format, p, width);
            planes[p] = ByteBuffer.allocate(strides[p] * format.planeHeight(p, height));
        }
        return new VideoFrame(format, width, height, planes, strides);
    }

    /** GStreamer's default row stride: the row's bytes rounded up to a multiple of 4. */
    public static int defaultStride(PixelFormat format, int plane, int width) {
        int rowBytes = format.planeWidth(plane, width) * format.pixelStride(plane);
        return (rowBytes + 3) & ~3;
    }

    public PixelFormat format() {
        return format;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public ByteBuffer plane(int index) {
        return planes[index];
    }

    public int stride(int plane) {
        return strides[plane];
    }

    public int planeWidth(int plane) {
        return format.planeWidth(plane, width);
    }

    public int planeHeight(int plane) {
        return format.planeHeight(plane, height);
    }

    /** Unsigned sample value of one channel at (x, y) of a plane. */
    public int sample(int plane, int x, int y, int channel) {
        return planes[plane].get(y * strides[plane] + x * format.pixelStride(plane) + channel) & 0xff;
    }

    public void setSample(int plane, int x, int y, int channel, int value) {
        planes[plane].put(y * strides[plane] + x * format.pixelStride(plane) + channel, (byte) value);
    }
}
