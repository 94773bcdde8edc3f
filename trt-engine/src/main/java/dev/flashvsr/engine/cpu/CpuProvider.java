package dev.flashvsr.engine.cpu;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.backend.BackendProvider;
import dev.flashvsr.engine.backend.Capabilities;
import dev.flashvsr.engine.backend.ModelDefinition;
import dev.flashvsr.engine.bicubic.BicubicModel;
import dev.flashvsr.engine.flashvsr.FlashVsrModel;
import java.util.List;
import java.util.Optional;

/**
 * The CPU backend: recurrent packages and FlashVSR packages on ONNX Runtime's CPU execution
 * provider, and the bicubic baseline, which is plain Java arithmetic on the CPU and so belongs
 * here too. The CPU is one device, 0: a device id selects a GPU and any other is refused, so that
 * a setting meant for a GPU backend does not silently run on the CPU.
 */
public final class CpuProvider implements BackendProvider {

    /**
     * fp32 first: ONNX Runtime's CPU kernels are float32 (fp16 graphs run mostly through casts it
     * inserts) and its int8 kernels were not faster on our CPUs (README, "Precision variants"), so
     * {@code auto} stays with fp32. No bf16: ONNX Runtime's CPU provider has no bfloat16 Conv or
     * MatMul kernels.
     */
    private static final Capabilities CAPABILITIES = new Capabilities(Capabilities.DeviceKind.CPU,
            List.of(Precision.FP32, Precision.INT8, Precision.FP16),
            Capabilities.StateMemory.HOST, false);

    /** Below every GPU backend: {@code auto} takes the CPU only when nothing faster can run the model. */
    public static final int RANK = 0;

    @Override
    public Backend backend() {
        return Backend.CPU;
    }

    @Override
    public String description() {
        String runtime = unusableReason().isEmpty() ? "ONNX Runtime " + OrtRuntime.ENV.getVersion() : "ONNX Runtime";
        return runtime + " on the CPU (" + Runtime.getRuntime().availableProcessors()
                + " threads); bicubic in plain Java";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public int rank() {
        return RANK;
    }

    /** Unusable only when ONNX Runtime's native library cannot be loaded on this platform. */
    @Override
    public Optional<String> unusableReason() {
        try {
            OrtRuntime.ENV.getVersion();
            return Optional.empty();
        } catch (LinkageError e) {
            return Optional.of("ONNX Runtime's native library does not load here (" + e + "); it ships for"
                    + " Linux, macOS and Windows on x86-64 and arm64");
        }
    }

    @Override
    public boolean canRun(ModelDefinition definition) {
        return definition instanceof ModelDefinition.Recurrent || definition instanceof ModelDefinition.FlashVsr
                || definition instanceof ModelDefinition.Bicubic;
    }

    @Override
    public Model load(ModelDefinition definition, Precision precision, int deviceId) throws EngineException {
        if (deviceId != 0) {
            throw new EngineException("device-id " + deviceId + " does not exist on the cpu backend, which has one"
                    + " device, 0 (device ids select GPUs)", "Set device-id=0, or a backend with that GPU");
        }
        if (definition instanceof ModelDefinition.Recurrent recurrent) {
            return new OnnxModel(recurrent.modelPackage(), recurrent.graphsFor(CAPABILITIES, precision));
        }
        if (definition instanceof ModelDefinition.FlashVsr flashVsr) {
            return new FlashVsrModel(flashVsr.open());
        }
        if (definition instanceof ModelDefinition.Bicubic) {
            return new BicubicModel();
        }
        throw new IllegalArgumentException("the cpu backend cannot run " + definition);
    }
}
