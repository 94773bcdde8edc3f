package dev.flashvsr.engine.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * CUDA emulated on the host ({@link HostCudaDriver}) as a usable runtime, for tests outside this
 * package that run GPU code paths (the cuda backend, the GPU check) without a GPU.
 */
public final class HostCuda {
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

    /** Kernel launches so far. */
    public int launches() {
        return driver.launches();
    }
}
