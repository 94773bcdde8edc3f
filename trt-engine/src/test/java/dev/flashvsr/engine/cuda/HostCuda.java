package dev.flashvsr.engine.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * CUDA emulated on the host ({@link HostCudaDriver}) as a usable runtime, for tests outside this
 * package that run GPU code paths (the cuda backend, the GPU check) without a GPU.
 */
public final class HostCuda {
    private static final int LAUNCH_FAILED = 719;
    private final HostCudaDriver driver;
    private final CudaRuntime.Availability availability;

    private HostCuda(HostCudaDriver driver) throws CudaException {
        this.driver = driver;
        List<DeviceInfo> devices = new ArrayList<>();
        for (int i = 0; i < driver.deviceCount(); i++) {
            devices.add(driver.device(i));
        }
        availability = new CudaRuntime.Availability(driver, driver.driverVersion(), devices, null);
    }

    /** One emulated GPU with CUDA 13.0 and 1 GiB. */
    public static HostCuda oneGpu() throws CudaException {
        return new HostCuda(new HostCudaDriver());
    }

    /** The runtime a provider or check is given in place of {@link CudaRuntime#probe()}. */
    public CudaRuntime.Availability availability() {
        return availability;
    }

    /** Everything still allocated or created (memory, contexts, streams, events, modules); empty when nothing. */
    public String live() {
        return driver.liveSummary();
    }

    /** Bytes copied from the GPU to the host so far (so tests can tell what left the GPU). */
    public long downloadedBytes() {
        return driver.downloadedBytes();
    }

    /** Bytes copied from the host to the GPU so far (so tests can tell what crossed to the GPU). */
    public long uploadedBytes() {
        return driver.uploadedBytes();
    }

    /** Kernel launches so far. */
    public int launches() {
        return driver.launches();
    }

    /** Graph launches so far. */
    public int graphLaunches() {
        return driver.graphLaunches();
    }

    /** Stream captures that made a graph so far. */
    public int graphsCaptured() {
        return driver.graphsCaptured();
    }

    /** Makes every stream capture from now on fail, as when the captured work is not capturable. */
    public void failCaptures() {
        driver.failCaptures();
    }

    /** Host work a stream runs in order with its GPU work. */
    @FunctionalInterface
    public interface HostWork<E extends Exception> {
        void run() throws E;
    }

    /**
     * Checks, for a test runtime standing in for a GPU library, that {@code bytes} at
     * {@code address} lie inside one device allocation of the driver that owns {@code stream}.
     */
    public static void requireDeviceMemory(long stream, long address, long bytes, String what) throws CudaException {
        HostCudaDriver owner = HostCudaDriver.ownerOf(stream);
        if (owner == null) {
            throw new IllegalStateException(what + ": stream 0x" + Long.toHexString(stream)
                    + " belongs to no emulated GPU");
        }
        owner.requireDeviceMemory(what, address, bytes);
    }

    /**
     * Runs {@code work} "on" {@code stream} as CUDA's cuLaunchHostFunc would: now, or, while an
     * emulated stream is being captured, as a node of the graph run at each launch (a failure
     * there is a CUDA_ERROR_LAUNCH_FAILED). Test runtimes that stand in for GPU libraries (TensorRT
     * on ONNX Runtime) queue their work this way, so it can be captured like a real library's kernels.
     */
    public static <E extends Exception> void onStream(long stream, HostWork<E> work) throws E, CudaException {
        HostCudaDriver owner = HostCudaDriver.ownerOf(stream);
        if (owner == null || !owner.capturing(stream)) {
            work.run();
            return;
        }
        owner.onStream(stream, () -> {
            try {
                work.run();
            } catch (Exception e) {
                throw new CudaException("host work on the stream failed: " + e.getMessage(), LAUNCH_FAILED,
                        "CUDA_ERROR_LAUNCH_FAILED", "see the cause");
            }
        });
    }
}
