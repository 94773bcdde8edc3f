package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.bicubic.BicubicBaseline;
import dev.flashvsr.engine.cuda.CudaDevice;

/**
 * The bicubic baseline on one GPU ({@link CudaBicubicSession}). It holds the opened device, so a
 * device that cannot be opened fails the model's load, before any stream starts.
 */
final class CudaBicubicModel implements BicubicBaseline {
    private final CudaDevice device;

    CudaBicubicModel(CudaDevice device) {
        this.device = device;
    }

    @Override
    public Backend backend() {
        return Backend.CUDA;
    }

    /** One frame: the pipelined session hands out a frame's output at the next push. */
    @Override
    public int latencyFrames() {
        return 1;
    }

    @Override
    public StreamingSession open(StreamSpec spec, SessionOptions options) throws EngineException {
        resolveBackend(options.backend());
        return new CudaBicubicSession(device, spec);
    }

    @Override
    public void close() {
        device.release();
    }
}
