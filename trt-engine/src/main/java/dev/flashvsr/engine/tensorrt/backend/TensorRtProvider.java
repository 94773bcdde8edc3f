package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.backend.BackendProvider;
import dev.flashvsr.engine.backend.Capabilities;
import dev.flashvsr.engine.backend.ModelDefinition;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaRuntime;
import dev.flashvsr.engine.flashvsr.FlashVsrModel;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.LoggingTrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntimes;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code tensorrt} backend: recurrent model packages and FlashVSR packages as TensorRT
 * engines on an NVIDIA GPU, built from the package's ONNX graphs (strongly typed: the precision is
 * the graph variant's; FlashVSR's are exported per frame size) and kept in the engine cache.
 * Usable where CUDA ({@link CudaRuntime#probe()}) and TensorRT ({@link TrtRuntimes#probe()}) both
 * are; otherwise it says which is missing.
 */
public final class TensorRtProvider implements BackendProvider {
    /** fp16 first: on GPUs it is TensorRT's fast path; int8 where the package is calibrated; fp32 last. */
    private static final Capabilities CAPABILITIES = new Capabilities(Capabilities.DeviceKind.CUDA_GPU,
            List.of(Precision.FP16, Precision.INT8, Precision.FP32), Capabilities.StateMemory.DEVICE, true);

    /** Above the cuda backend (50) and the CPU (0). */
    public static final int RANK = 100;

    private final Supplier<CudaRuntime.Availability> cuda;
    private final Supplier<TrtRuntimes.Availability> tensorRt;
    private final Supplier<EngineCache> cache;
    private final TrtLog log;

    public TensorRtProvider() {
        this(CudaRuntime::probe, TrtRuntimes::probe, () -> new EngineCache(EngineCache.defaultFolder()),
                new LoggingTrtLog());
    }

    /** With other runtimes, cache and log (tests run TensorRT's part on ONNX Runtime and CUDA's on the host). */
    public TensorRtProvider(Supplier<CudaRuntime.Availability> cuda, Supplier<TrtRuntimes.Availability> tensorRt,
            Supplier<EngineCache> cache, TrtLog log) {
        this.cuda = cuda;
        this.tensorRt = tensorRt;
        this.cache = cache;
        this.log = log;
    }

    @Override
    public Backend backend() {
        return Backend.TENSORRT;
    }

    @Override
    public String description() {
        TrtRuntimes.Availability trt = tensorRt.get();
        return "NVIDIA TensorRT" + (trt.usable() ? " " + trt.runtime().version() : "")
                + " (recurrent models and FlashVSR; engines cached in " + cache.get().folder() + ")";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public int rank() {
        return RANK;
    }

    /** What is missing: the GPU side, TensorRT, or both (so one read tells everything to install). */
    @Override
    public Optional<String> unusableReason() {
        String gpu = cuda.get().reason();
        String trt = tensorRt.get().reason();
        if (gpu == null || trt == null) {
            return Optional.ofNullable(gpu == null ? trt : gpu);
        }
        return Optional.of(gpu + "; and " + trt);
    }

    @Override
    public boolean canRun(ModelDefinition definition) {
        return definition instanceof ModelDefinition.Recurrent || definition instanceof ModelDefinition.FlashVsr;
    }

    @Override
    public Model load(ModelDefinition definition, Precision precision, int deviceId) throws EngineException {
        if (!canRun(definition)) {
            throw new IllegalArgumentException("the tensorrt backend cannot run " + definition);
        }
        String reason = unusableReason().orElse("");
        if (!reason.isEmpty()) {
            throw new EngineException("the tensorrt backend cannot run here: " + reason, "Set backend=auto or cpu");
        }
        CudaDevice device = CudaDevice.open(cuda.get().driver(), deviceId);
        try {
            if (definition instanceof ModelDefinition.FlashVsr flashVsr) {
                return new FlashVsrModel(flashVsr.open(), new TrtFlashVsrRuntime(device,
                        new FlashVsrEngines(tensorRt.get().runtime(), device.info(), log), cache));
            }
            ModelDefinition.Recurrent recurrent = (ModelDefinition.Recurrent) definition;
            RecurrentEngines engines = new RecurrentEngines(recurrent.modelPackage(), tensorRt.get().runtime(),
                    device.info(), log);
            return new TrtRecurrentModel(recurrent.manifest(), recurrent.graphsFor(CAPABILITIES, precision), device,
                    engines, cache);
        } catch (EngineException | RuntimeException e) {
            try {
                device.close(); // nothing else holds it yet
            } catch (CudaException | RuntimeException closing) {
                e.addSuppressed(closing); // the model's failure is what the user must see
            }
            throw e;
        }
    }
}
