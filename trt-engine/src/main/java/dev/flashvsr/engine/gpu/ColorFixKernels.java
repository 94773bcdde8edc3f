package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaKernels;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.KernelModules;
import java.util.ArrayList;
import java.util.List;

/**
 * FlashVSR's colour fix (the CPU's {@code pixels.ColorFix}) queued on a GPU for tight planar float
 * frames [3, height, width] in [-1, 1], with its scratch buffers for one frame size; the result is
 * clamped to [-1, 1], as with no colour fix ({@link DiffusionOptions.ColorFix#NONE}).
 */
public final class ColorFixKernels implements AutoCloseable {
    private static final int CHANNELS = PlanarImage.CHANNELS;
    private static final int WAVELET_LEVELS = 5;
    /** One thread per element for the 1-D kernels: a multiple of the 32-thread warp. */
    private static final int LINEAR_BLOCK = 256;

    private final KernelModules kernels;
    private final DiffusionOptions.ColorFix method;
    private final int width;
    private final int height;
    private final List<DeviceBuffer> owned = new ArrayList<>();
    private DeviceBuffer rowSums;
    private DeviceBuffer statsFrame;
    private DeviceBuffer statsReference;
    private DeviceBuffer rowPass;
    private DeviceBuffer ping;
    private DeviceBuffer lowFrame;
    private DeviceBuffer lowReference;

    public ColorFixKernels(CudaDevice device, DiffusionOptions.ColorFix method, int width, int height)
            throws CudaException {
        this.kernels = device.kernels();
        this.method = method;
        this.width = width;
        this.height = height;
        try {
            if (method == DiffusionOptions.ColorFix.ADAIN) {
                rowSums = allocate(device, (long) Double.BYTES * CHANNELS * height);
                statsFrame = allocate(device, 2L * Double.BYTES * CHANNELS);
                statsReference = allocate(device, 2L * Double.BYTES * CHANNELS);
            } else if (method == DiffusionOptions.ColorFix.WAVELET) {
                long frame = PlanarImage.bytes(width, height, false);
                rowPass = allocate(device, frame);
                ping = allocate(device, frame);
                lowFrame = allocate(device, frame);
                lowReference = allocate(device, frame);
            }
        } catch (CudaException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private DeviceBuffer allocate(CudaDevice device, long bytes) throws CudaException {
        DeviceBuffer buffer = device.allocate(bytes);
        owned.add(buffer);
        return buffer;
    }

    /** Queues the fix of {@code frame} towards {@code reference} into {@code out} (which may be {@code frame}). */
    public void apply(CudaStream stream, long frame, long reference, long out) throws CudaException {
        int count = CHANNELS * width * height;
        switch (method) {
            case ADAIN -> {
                statistics(stream, frame, statsFrame);
                statistics(stream, reference, statsReference);
                launch2d(CudaKernels.ADAIN_APPLY, width, height, stream, frame, statsFrame, statsReference, out, width,
                        height, CHANNELS);
            }
            case WAVELET -> {
                lowBand(stream, frame, lowFrame);
                lowBand(stream, reference, lowReference);
                launch1d(CudaKernels.WAVELET_COMBINE, count, stream, frame, lowFrame, lowReference, out, count);
            }
            case NONE -> launch1d(CudaKernels.CLAMP_UNIT_RANGE, count, stream, frame, out, count);
        }
    }

    /** Mean then std per channel into {@code stats} (means first, then stds). */
    private void statistics(CudaStream stream, long frame, DeviceBuffer stats) throws CudaException {
        for (int stage = 0; stage < 2; stage++) {
            kernels.launchOver(CudaKernels.ADAIN_ROW_SUMS, height, CHANNELS, LINEAR_BLOCK, 1, stream, frame, width,
                    height, CHANNELS, stage, stats, rowSums);
            kernels.launch(CudaKernels.ADAIN_CHANNEL_STATS, 1, 1, CHANNELS, 1, stream, rowSums, height, CHANNELS,
                    width * height, stage, stats);
        }
    }

    /** Five dilated blurs of {@code frame}, alternating {@code low} and a scratch so the last lands in {@code low}. */
    private void lowBand(CudaStream stream, long frame, DeviceBuffer low) throws CudaException {
        long from = frame;
        for (int level = 0; level < WAVELET_LEVELS; level++) {
            DeviceBuffer to = level % 2 == 0 ? low : ping;
            launch2d(CudaKernels.BLUR_AXIS, width, height, stream, from, rowPass, width, height, CHANNELS, 1 << level,
                    0);
            launch2d(CudaKernels.BLUR_AXIS, width, height, stream, rowPass, to, width, height, CHANNELS, 1 << level,
                    1);
            from = to.address();
        }
    }

    private void launch2d(CudaKernels.Kernel kernel, int threadsX, int threadsY, CudaStream stream, Object... args)
            throws CudaException {
        kernels.launchOver(kernel, threadsX, threadsY, FrameKernels.BLOCK, FrameKernels.BLOCK, stream, args);
    }

    private void launch1d(CudaKernels.Kernel kernel, int threads, CudaStream stream, Object... args)
            throws CudaException {
        kernels.launchOver(kernel, threads, 1, LINEAR_BLOCK, 1, stream, args);
    }

    @Override
    public void close() {
        owned.forEach(DeviceBuffer::close);
        owned.clear();
    }
}
