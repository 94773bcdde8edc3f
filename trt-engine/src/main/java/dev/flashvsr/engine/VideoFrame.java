package dev.flashvsr.engine;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of one raw video frame: its planes (each starting at the plane's first byte), in host or
 * device memory ({@link FrameMemory}), and the byte stride of each plane. The memory may be mapped
 * GStreamer memory, valid only for the call it is passed to: a session that needs a frame later
 * copies what it needs.
 */
public final class VideoFrame {
    private final PixelFormat format;
    private final int width;
    private final int height;
    private final FrameMemory memory;
    private final int[] strides;

    /** A frame in host memory. */
    public VideoFrame(PixelFormat format, int width, int height, ByteBuffer[] planes, int[] strides) {
        this(format, width, height, new FrameMemory.Host(planes), strides);
    }

    public VideoFrame(PixelFormat format, int width, int height, FrameMemory memory, int[] strides) {
        this.format = Objects.requireNonNull(format);
        if (memory.planeCount() != format.planeCount() || strides.length != format.planeCount()) {
            throw new IllegalArgumentException(format + " needs " + format.planeCount() + " planes");
        }
        for (int p = 0; p < strides.length; p++) {
            int rowBytes = format.planeWidth(p, width) * format.pixelStride(p);
            long needed = (long) strides[p] * (format.planeHeight(p, height) - 1) + rowBytes;
            if (strides[p] < rowBytes || memory.capacity(p) < needed) {
                throw new IllegalArgumentException("plane " + p + " of a " + width + "x" + height + " " + format
                        + " frame needs stride >= " + rowBytes + " and " + needed + " bytes, got stride "
                        + strides[p] + " and " + memory.capacity(p) + " bytes");
            }
        }
        this.width = width;
        this.height = height;
        this.memory = memory;
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

    public FrameMemory memory() {
        return memory;
    }

    /**
     * The host buffer of a plane.
     *
     * @throws IllegalStateException when the frame is in device memory, which Java cannot read
     */
    public ByteBuffer plane(int index) {
        if (memory instanceof FrameMemory.Host host) {
            return host.planes()[index];
        }
        throw new IllegalStateException("this " + width + "x" + height + " " + format + " frame is in the memory of"
                + " CUDA device " + ((FrameMemory.Device) memory).deviceId() + ", not host memory: only a GPU"
                + " session reads it");
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
        return plane(plane).get(y * strides[plane] + x * format.pixelStride(plane) + channel) & 0xff;
    }

    public void setSample(int plane, int x, int y, int channel, int value) {
        plane(plane).put(y * strides[plane] + x * format.pixelStride(plane) + channel, (byte) value);
    }
}
