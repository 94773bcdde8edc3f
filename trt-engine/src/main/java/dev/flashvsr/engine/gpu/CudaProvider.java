package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.backend.BackendProvider;
import dev.flashvsr.engine.backend.Capabilities;
import dev.flashvsr.engine.backend.ModelDefinition;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaRuntime;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The {@code cuda} backend: our own CUDA kernels on an NVIDIA GPU, through the driver API. It runs
 * the bicubic baseline wholly on the GPU, the frame path (upload, colour conversion, resampling,
 * download) that GPU models build on. Usable where {@link CudaRuntime#probe()} finds a driver, a
 * GPU and the kernels' PTX; otherwise it says which is missing.
 */
public final class CudaProvider implements BackendProvider {
    /** Frames in device memory in and out, state (none for bicubic) on the device, FP32 planar images. */
    private static final Capabilities CAPABILITIES = new Capabilities(Capabilities.DeviceKind.CUDA_GPU,
            List.of(Precision.FP32), Capabilities.StateMemory.DEVICE, true);

    /** Above the CPU (0): bicubic on a GPU leaves the CPU to the rest of the pipeline. */
    public static final int RANK = 50;

    private final Supplier<CudaRuntime.Availability> runtime;

    public CudaProvider() {
        this(CudaRuntime::probe);
    }

    /** With another CUDA runtime (tests run the kernels on the host through one). */
    public CudaProvider(Supplier<CudaRuntime.Availability> runtime) {
        this.runtime = runtime;
    }

    @Override
    public Backend backend() {
        return Backend.CUDA;
    }

    @Override
    public String description() {
        CudaRuntime.Availability cuda = runtime.get();
        if (!cuda.usable()) {
            return "CUDA kernels on an NVIDIA GPU (bicubic)";
        }
        String gpus = cuda.devices().stream().map(d -> d.ordinal() + ": " + d.name() + ", compute "
                + d.computeCapability()).collect(Collectors.joining("; "));
        return "CUDA kernels (bicubic) on " + gpus + "; driver CUDA " + version(cuda.driverVersion());
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public int rank() {
        return RANK;
    }

    @Override
    public Optional<String> unusableReason() {
        return Optional.ofNullable(runtime.get().reason());
    }

    @Override
    public boolean canRun(ModelDefinition definition) {
        return definition instanceof ModelDefinition.Bicubic;
    }

    /** Opens GPU {@code deviceId} (refused, naming the GPUs there are, when the machine has no such GPU). */
    @Override
    public Model load(ModelDefinition definition, Precision precision, int deviceId) throws EngineException {
        if (!canRun(definition)) {
            throw new IllegalArgumentException("the cuda backend cannot run " + definition);
        }
        CudaRuntime.Availability cuda = runtime.get();
        if (!cuda.usable()) {
            throw new EngineException("the cuda backend cannot run here: " + cuda.reason(), "Set backend=auto or cpu");
        }
        return new CudaBicubicModel(CudaDevice.open(cuda.driver(), deviceId));
    }

    /** A driver API version (13020) as CUDA writes it (13.2). */
    static String version(int driverVersion) {
        return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
    }
}
