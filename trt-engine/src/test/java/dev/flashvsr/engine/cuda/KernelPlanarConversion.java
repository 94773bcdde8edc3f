package dev.flashvsr.engine.cuda;

import static dev.flashvsr.engine.cuda.KernelColorConversion.pointer;

import com.sun.jna.Pointer;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.VideoFrame;
import java.nio.ByteBuffer;

/**
 * Runs the planar-to-colour kernels into a {@link VideoFrame} the way a GPU caller will: it passes
 * plane pointers, strides and the matrix as floats. The source and the frame's planes must be
 * direct buffers.
 */
final class KernelPlanarConversion {
    private final HostKernelLibrary.PlanarKernels kernels;

    KernelPlanarConversion(HostKernelLibrary.PlanarKernels kernels) {
        this.kernels = kernels;
    }

    /**
     * Writes the whole frame from {@code src} (a direct buffer in native order) of FP32 or FP16
     * elements: channel c, row y, column x at element {@code c * srcPlaneStride + y * srcRowStride + x}.
     * {@code matrix} is ignored for RGB formats.
     */
    void fromPlanarRgb(ByteBuffer src, Precision precision, int srcRowStride, int srcPlaneStride,
            ColorMatrices.Encode matrix, VideoFrame frame) {
        int half = switch (precision) {
            case FP32 -> 0;
            case FP16 -> 1;
            default -> throw new IllegalArgumentException("the colour kernels read fp32 or fp16, not " + precision.nick());
        };
        Pointer in = pointer(src);
        PixelFormat format = frame.format();
        if (format.isYuv()) {
            Pointer cb = pointer(frame.plane(1));
            boolean nv12 = format == PixelFormat.NV12;
            Pointer cr = nv12 ? cb.share(1) : pointer(frame.plane(2));
            kernels.host_planar_to_yuv420(in, half, srcRowStride, srcPlaneStride, frame.width(), frame.height(),
                    matrix.yR(), matrix.yG(), matrix.yB(), matrix.yOff(), matrix.cbR(), matrix.cbG(), matrix.cbB(),
                    matrix.crR(), matrix.crG(), matrix.crB(), pointer(frame.plane(0)), frame.stride(0), cb, cr,
                    frame.stride(1), nv12 ? 2 : 1);
        } else {
            kernels.host_planar_to_packed_rgb(in, half, srcRowStride, srcPlaneStride, frame.width(), frame.height(),
                    pointer(frame.plane(0)), frame.stride(0), format.pixelStride(0), ColorMatrices.redIndex(format));
        }
    }

    /** The kernels' binary16 to float widening. */
    float halfToFloat(int bits) {
        return kernels.host_half_to_float((short) bits);
    }
}
