package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaKernels;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.KernelModules;

/**
 * FlashVSR's latent arithmetic queued on a GPU (flashvsr_latents.cu), so that a chunk's latents and
 * the DiT's key cache never go to the host: the one step between the DiT and the decoder, and the
 * RoPE rebase of cached keys. Addresses are device addresses; values are FLOAT or HALF as flagged.
 */
public final class LatentKernels {
    /** One thread per element: a multiple of the 32-thread warp. */
    private static final int BLOCK = 256;

    private final KernelModules kernels;

    public LatentKernels(CudaDevice device) {
        this.kernels = device.kernels();
    }

    /**
     * Queues {@code latents} [T, C, h, w] = {@code noise} - {@code prediction}, both [C, T, h, w]
     * (float noise; prediction and latents FLOAT or HALF).
     */
    public void oneStep(CudaStream stream, long noise, long prediction, boolean predictionHalf, long latents,
            boolean latentsHalf, int channels, int frames, int plane) throws CudaException {
        launch(CudaKernels.ONE_STEP_LATENTS, (long) channels * frames * plane, stream, noise, prediction,
                predictionHalf ? 1 : 0, latents, latentsHalf ? 1 : 0, channels, frames, plane);
    }

    /**
     * Queues the rotation of the first {@code pairs} pairs of each of {@code vectors} key vectors of
     * {@code headDim} values at {@code keys}, in place, by the (cos, sin) doubles at {@code table}.
     */
    public void rebaseKeys(CudaStream stream, long keys, boolean half, int vectors, int headDim, int pairs,
            long table) throws CudaException {
        launch(CudaKernels.ROPE_REBASE_KEYS, (long) vectors * pairs, stream, keys, half ? 1 : 0, vectors, headDim,
                pairs, table);
    }

    private void launch(CudaKernels.Kernel kernel, long threads, CudaStream stream, Object... args)
            throws CudaException {
        if (threads <= 0) {
            return; // nothing to compute; CUDA rejects an empty grid
        }
        kernels.launchOver(kernel, threads, 1, BLOCK, 1, stream, args);
    }
}
