package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.FrameMemory;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import java.nio.ByteBuffer;

/**
 * One 8-bit frame packed tight, the form it crosses PCIe in: each plane's rows hold exactly their
 * pixels, and the planes follow one another in one buffer.
 */
public final class PackedFrameLayout {
    private final PixelFormat format;
    private final int width;
    private final int height;
    private final int[] strides;
    private final long[] offsets;
    private final long bytes;

    public PackedFrameLayout(PixelFormat format, int width, int height) {
        this.format = format;
        this.width = width;
        this.height = height;
        int planes = format.planeCount();
        strides = new int[planes];
        offsets = new long[planes];
        long total = 0;
        for (int p = 0; p < planes; p++) {
            strides[p] = format.planeWidth(p, width) * format.pixelStride(p);
            offsets[p] = total;
            total += (long) strides[p] * format.planeHeight(p, height);
        }
        bytes = total;
    }

    public long bytes() {
        return bytes;
    }

    /** The frame whose planes are this layout's parts of {@code buffer}, in device memory. */
    public VideoFrame onDevice(DeviceBuffer buffer) {
        if (buffer.bytes() < bytes) {
            throw new IllegalArgumentException(buffer + " is smaller than a packed " + width + "x" + height + " "
                    + format + " frame (" + bytes + " bytes)");
        }
        long[] addresses = new long[offsets.length];
        long[] capacities = new long[offsets.length];
        for (int p = 0; p < offsets.length; p++) {
            addresses[p] = buffer.address() + offsets[p];
            capacities[p] = buffer.bytes() - offsets[p];
        }
        return new VideoFrame(format, width, height, new FrameMemory.Device(buffer.deviceId(), addresses, capacities),
                strides);
    }

    /** Copies the rows of a host frame of this layout's format and size into {@code packed}. */
    public void pack(VideoFrame frame, ByteBuffer packed) {
        for (int p = 0; p < strides.length; p++) {
            ByteBuffer plane = frame.plane(p);
            for (int y = 0, rows = format.planeHeight(p, height); y < rows; y++) {
                packed.put((int) (offsets[p] + (long) y * strides[p]), plane, y * frame.stride(p), strides[p]);
            }
        }
    }

    /** Copies {@code packed} into the rows of a host frame of this layout's format and size, leaving row padding alone. */
    public void unpack(ByteBuffer packed, VideoFrame frame) {
        for (int p = 0; p < strides.length; p++) {
            ByteBuffer plane = frame.plane(p);
            for (int y = 0, rows = format.planeHeight(p, height); y < rows; y++) {
                plane.put(y * frame.stride(p), packed, (int) (offsets[p] + (long) y * strides[p]), strides[p]);
            }
        }
    }

    /** The byte offset of {@code plane} in the packed buffer. */
    long offset(int plane) {
        return offsets[plane];
    }

    /** The packed row length of {@code plane} in bytes. */
    int stride(int plane) {
        return strides[plane];
    }

    int rows(int plane) {
        return format.planeHeight(plane, height);
    }
}
