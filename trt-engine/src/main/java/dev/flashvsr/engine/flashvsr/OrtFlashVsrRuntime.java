package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.memory.MachineMemory;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * FlashVSR on ONNX Runtime on the CPU: graphs built per frame size into the package's graph cache
 * ({@link FlashVsrModel#cache}), after checking that the stream fits the machine's memory.
 */
final class OrtFlashVsrRuntime implements FlashVsrRuntime {
    private final Supplier<MachineMemory> memory;

    /** @param memory reads what the machine has available when a stream opens */
    OrtFlashVsrRuntime(Supplier<MachineMemory> memory) {
        this.memory = memory;
    }

    @Override
    public Backend backend() {
        return Backend.CPU;
    }

    /**
     * fp32 first (ONNX Runtime's CPU kernels are float32, fp16 graphs run there mostly through
     * inserted casts, slower and less exact), then fp16, then int8 once the package is calibrated
     * ({@link FlashVsrCalibration}). No bf16: ONNX Runtime's CPU provider has no bfloat16 Conv or
     * MatMul, so those graphs only serve other runtimes
     * ({@link FlashVsrImport#exportGraphs(Path, int, int, Precision, Consumer)}).
     */
    @Override
    public Set<Precision> precisions(boolean calibrated) {
        return offered(calibrated);
    }

    /** What {@link #precisions} gives, without a runtime. */
    static Set<Precision> offered(boolean calibrated) {
        return FlashVsrRuntime.inOrder(calibrated, Precision.FP32, Precision.FP16, Precision.INT8);
    }

    @Override
    public ChunkGraphs open(FlashVsrPackage pkg, int width, int height, Precision precision, String stream,
            SessionOptions options, OpenProgress progress) throws EngineException {
        FlashVsrMemory.of(pkg, width, height, precision).check(memory.get(), Runtime.getRuntime().maxMemory(), stream);
        return FlashVsrGraphs.open(pkg, width, height, pkg.attention(), GraphPrecision.of(precision, pkg),
                Runtime.getRuntime().availableProcessors(), FlashVsrModel.cache(pkg, progress::warning), progress);
    }

    @Override
    public void close() {
        // nothing beyond each stream's graphs
    }
}
