package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaStream;

/**
 * Bicubic upscaling wholly on one GPU, the frame path a GPU model takes: the 8-bit frame is
 * converted to planar FP32 R'G'B', upscaled, and converted back to 8 bits, between one upload and
 * one download ({@link PipelinedGpuSession}).
 */
final class CudaBicubicSession extends PipelinedGpuSession {
    private final FrameKernels kernels;
    private final PlanarImage lowRes;
    private final PlanarImage upscaled;

    CudaBicubicSession(CudaDevice device, StreamSpec spec) throws EngineException {
        super(device, spec);
        try {
            kernels = own(new FrameKernels(device.kernels(), spec.colorimetry()));
            lowRes = PlanarImage.tight(own(device.allocate(PlanarImage.bytes(spec.width(), spec.height(), false))),
                    false, spec.width(), spec.height());
            upscaled = PlanarImage.tight(own(device.allocate(PlanarImage.bytes(spec.outputWidth(),
                    spec.outputHeight(), false))), false, spec.outputWidth(), spec.outputHeight());
        } catch (EngineException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    protected void queueFrame(CudaStream stream, VideoFrame input, VideoFrame output) throws CudaException {
        kernels.toPlanar(stream, input, lowRes);
        kernels.bicubic(stream, lowRes, upscaled, spec().scale());
        kernels.fromPlanar(stream, upscaled, output);
    }

    /** Bicubic has no streaming state. */
    @Override
    protected void resetState() {
    }
}
