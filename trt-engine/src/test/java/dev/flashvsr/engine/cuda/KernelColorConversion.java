package dev.flashvsr.engine.cuda;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import java.nio.ByteBuffer;

/**
 * Runs the colour kernels on a {@link VideoFrame} the way a GPU caller will: it passes plane
 * pointers, strides and the matrix as floats. Frames and the destination must be direct buffers.
 */
final class KernelColorConversion {
    private final HostKernelLibrary.ColorKernels kernels;

    KernelColorConversion(HostKernelLibrary.ColorKernels kernels) {
        this.kernels = kernels;
    }

    /**
     * Converts the whole frame into {@code dst} (a direct buffer in native order) as FP32 or FP16
     * elements: channel c, row y, column x at element {@code c * dstPlaneStride + y * dstRowStride + x}.
     * {@code matrix} is ignored for RGB formats.
     */
    void toPlanarRgb(VideoFrame frame, ColorMatrices.Decode matrix, ChromaUpsampling upsampling, ByteBuffer dst,
            Precision precision, int dstRowStride, int dstPlaneStride) {
        int half = switch (precision) {
            case FP32 -> 0;
            case FP16 -> 1;
            default -> throw new IllegalArgumentException("the colour kernels write fp32 or fp16, not " + precision.nick());
        };
        Pointer out = pointer(dst);
        PixelFormat format = frame.format();
        if (format.isYuv()) {
            Pointer luma = pointer(frame.plane(0));
            Pointer cb = pointer(frame.plane(1));
            boolean nv12 = format == PixelFormat.NV12;
            Pointer cr = nv12 ? cb.share(1) : pointer(frame.plane(2));
            kernels.host_yuv420_to_planar(luma, frame.stride(0), cb, cr, frame.stride(1), nv12 ? 2 : 1,
                    frame.width(), frame.height(), matrix.yOffset(), matrix.yScale(), matrix.cScale(), matrix.rCr(),
                    matrix.gCb(), matrix.gCr(), matrix.bCb(), upsampling == ChromaUpsampling.BILINEAR ? 1 : 0, out,
                    half, dstRowStride, dstPlaneStride);
        } else {
            kernels.host_packed_rgb_to_planar(pointer(frame.plane(0)), frame.stride(0), format.pixelStride(0),
                    ColorMatrices.redIndex(format), frame.width(), frame.height(), out, half, dstRowStride, dstPlaneStride);
        }
    }

    /** The kernels' float to binary16 rounding, as unsigned bits. */
    int halfBits(float v) {
        return kernels.host_half_rn(v) & 0xffff;
    }

    static Pointer pointer(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("the kernels read and write direct buffers only");
        }
        return Native.getDirectBufferPointer(buffer);
    }
}
