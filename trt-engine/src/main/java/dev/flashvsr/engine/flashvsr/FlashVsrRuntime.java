package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a {@link FlashVsrModel} runs its graphs: ONNX Runtime on the CPU, or another backend's
 * runtime (TensorRT). It opens each stream's {@link ChunkGraphs}; everything else a stream does is
 * the model's, the same on every runtime.
 */
public interface FlashVsrRuntime extends AutoCloseable {
    Backend backend();

    /** The precisions it runs a package in, the one {@code AUTO} picks first. */
    Set<Precision> precisions(boolean calibrated);

    /** {@code order} without int8 when the package is not calibrated (it then has no int8 graphs). */
    static Set<Precision> inOrder(boolean calibrated, Precision... order) {
        Set<Precision> available = new LinkedHashSet<>(List.of(order));
        if (!calibrated) {
            available.remove(Precision.INT8);
        }
        return Collections.unmodifiableSet(available);
    }

    /**
     * The graphs of one stream for model frames of {@code width x height} in {@code precision}
     * (concrete, one of {@link #precisions}).
     *
     * @param stream describes the stream for messages ("FlashVSR at 1280x768 (1280x720 x4, fp16)")
     * @throws IllegalArgumentException for attention settings this frame size cannot use
     */
    ChunkGraphs open(FlashVsrPackage pkg, int width, int height, Precision precision, String stream,
            SessionOptions options, OpenProgress progress) throws EngineException;

    /** Releases what the runtime holds for the model (its engines, its GPU); its streams are closed first. */
    @Override
    void close();
}
