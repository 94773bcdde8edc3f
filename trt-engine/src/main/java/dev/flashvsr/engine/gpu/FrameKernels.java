package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.FrameMemory;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import dev.flashvsr.engine.color.YuvCoefficients;
import dev.flashvsr.engine.cuda.ColorMatrices;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaKernels;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.KernelModules;

/**
 * Queues the frame kernels of one stream on a GPU: 8-bit frames in device memory to and from planar
 * R'G'B', and bicubic upscaling of planar images, with the arguments the CPU converter would use for
 * the same colorimetry (bilinear centre-sited chroma, the matrix and range per frame height).
 */
public final class FrameKernels implements AutoCloseable {
    /** 16x16 threads: a multiple of the 32-thread warp that every GPU since Kepler schedules well. */
    static final int BLOCK = 16;

    private final KernelModules kernels;
    /** Only for its constants (single-threaded: it starts no workers). */
    private final ColorConverter constants;

    public FrameKernels(KernelModules kernels, Colorimetry colorimetry) {
        this.kernels = kernels;
        this.constants = new ColorConverter(colorimetry, ChromaUpsampling.BILINEAR, 1);
    }

    /** Queues the conversion of an 8-bit frame in this GPU's memory to {@code dst}, which has its size. */
    public void toPlanar(CudaStream stream, VideoFrame frame, PlanarImage dst) throws CudaException {
        requireSameSize(frame, dst);
        FrameMemory.Device planes = deviceMemory(frame);
        PixelFormat format = frame.format();
        int w = frame.width();
        int h = frame.height();
        if (format.isYuv()) {
            ColorMatrices.Decode m = ColorMatrices.Decode.of(coefficients(h));
            boolean nv12 = format == PixelFormat.NV12;
            long cb = planes.address(1);
            long cr = nv12 ? cb + 1 : planes.address(2);
            launch(CudaKernels.YUV420_TO_PLANAR, w, h, stream, planes.address(0), frame.stride(0), cb, cr,
                    frame.stride(1), nv12 ? 2 : 1, w, h, m.yOffset(), m.yScale(), m.cScale(), m.rCr(), m.gCb(),
                    m.gCr(), m.bCb(), 1, dst.buffer(), dst.halfFlag(), dst.rowStride(), dst.planeStride());
        } else {
            launch(CudaKernels.PACKED_RGB_TO_PLANAR, w, h, stream, planes.address(0), frame.stride(0),
                    format.pixelStride(0), ColorMatrices.redIndex(format), w, h, dst.buffer(), dst.halfFlag(),
                    dst.rowStride(), dst.planeStride());
        }
    }

    /** Queues the Keys bicubic upscale of {@code src} by {@code scale} into {@code dst}. */
    public void bicubic(CudaStream stream, PlanarImage src, PlanarImage dst, int scale) throws CudaException {
        if (dst.width() != scale * src.width() || dst.height() != scale * src.height()) {
            throw new IllegalArgumentException("a x" + scale + " bicubic of " + src.width() + "x" + src.height()
                    + " is " + scale * src.width() + "x" + scale * src.height() + ", not " + dst.width() + "x"
                    + dst.height());
        }
        launch(CudaKernels.BICUBIC_PLANAR, dst.width(), dst.height(), stream, src.buffer(), src.halfFlag(),
                src.rowStride(), src.planeStride(), src.width(), src.height(), PlanarImage.CHANNELS, scale,
                dst.buffer(), dst.halfFlag(), dst.rowStride(), dst.planeStride());
    }

    /**
     * Queues the padding of a tight planar image at {@code src} ({@code srcWidth x srcHeight}) right
     * and down to {@code dst}'s size by repeating its edges, each value mapped {@code v * mul + add}
     * (as Java's {@code v * mul + add}, rounded per operation); the same size maps only.
     */
    public void pad(CudaStream stream, long src, boolean srcHalf, int srcWidth, int srcHeight, PlanarImage dst,
            float mul, float add) throws CudaException {
        if (dst.width() < srcWidth || dst.height() < srcHeight) {
            throw new IllegalArgumentException("cannot pad " + srcWidth + "x" + srcHeight + " to a smaller "
                    + dst.width() + "x" + dst.height());
        }
        launch(CudaKernels.PAD_PLANAR, dst.width(), dst.height(), stream, src, srcHalf ? 1 : 0, srcWidth,
                srcWidth * srcHeight, srcWidth, srcHeight, dst.buffer(), dst.halfFlag(), dst.rowStride(),
                dst.planeStride(), dst.width(), dst.height(), PlanarImage.CHANNELS, mul, add);
    }

    /**
     * Queues the crop of {@code src}'s top-left region of {@code dst}'s size into {@code dst}, each
     * value mapped {@code (v + add) * mul}.
     */
    public void crop(CudaStream stream, PlanarImage src, PlanarImage dst, float add, float mul) throws CudaException {
        if (dst.width() > src.width() || dst.height() > src.height()) {
            throw new IllegalArgumentException("cannot crop " + dst.width() + "x" + dst.height() + " out of "
                    + src.width() + "x" + src.height());
        }
        launch(CudaKernels.CROP_PLANAR, dst.width(), dst.height(), stream, src.buffer(), src.halfFlag(),
                src.rowStride(), src.planeStride(), 0, 0, dst.buffer(), dst.halfFlag(), dst.rowStride(),
                dst.planeStride(), dst.width(), dst.height(), PlanarImage.CHANNELS, add, mul);
    }

    /** Queues the conversion of {@code src} to an 8-bit frame of its size in this GPU's memory. */
    public void fromPlanar(CudaStream stream, PlanarImage src, VideoFrame frame) throws CudaException {
        requireSameSize(frame, src);
        FrameMemory.Device planes = deviceMemory(frame);
        PixelFormat format = frame.format();
        int w = frame.width();
        int h = frame.height();
        if (format.isYuv()) {
            ColorMatrices.Encode m = ColorMatrices.Encode.of(coefficients(h));
            boolean nv12 = format == PixelFormat.NV12;
            long cb = planes.address(1);
            long cr = nv12 ? cb + 1 : planes.address(2);
            // one thread per 2x2 block: it averages the block's chroma
            launch(CudaKernels.PLANAR_TO_YUV420, (w + 1) / 2, (h + 1) / 2, stream, src.buffer(), src.halfFlag(),
                    src.rowStride(), src.planeStride(), w, h, m.yR(), m.yG(), m.yB(), m.yOff(), m.cbR(), m.cbG(),
                    m.cbB(), m.crR(), m.crG(), m.crB(), planes.address(0), frame.stride(0), cb, cr, frame.stride(1),
                    nv12 ? 2 : 1);
        } else {
            launch(CudaKernels.PLANAR_TO_PACKED_RGB, w, h, stream, src.buffer(), src.halfFlag(), src.rowStride(),
                    src.planeStride(), w, h, planes.address(0), frame.stride(0), format.pixelStride(0),
                    ColorMatrices.redIndex(format));
        }
    }

    private void launch(CudaKernels.Kernel kernel, int threadsX, int threadsY, CudaStream stream, Object... args)
            throws CudaException {
        kernels.launchOver(kernel, threadsX, threadsY, BLOCK, BLOCK, stream, args);
    }

    private YuvCoefficients coefficients(int frameHeight) {
        return constants.coefficientsFor(frameHeight);
    }

    @Override
    public void close() {
        constants.close();
    }

    private static FrameMemory.Device deviceMemory(VideoFrame frame) {
        if (frame.memory() instanceof FrameMemory.Device device) {
            return device;
        }
        throw new IllegalArgumentException("the frame kernels read and write frames in GPU memory, not host memory");
    }

    private static void requireSameSize(VideoFrame frame, PlanarImage image) {
        if (frame.width() != image.width() || frame.height() != image.height()) {
            throw new IllegalArgumentException("a " + frame.width() + "x" + frame.height() + " frame does not match a "
                    + image.width() + "x" + image.height() + " planar image");
        }
    }
}
