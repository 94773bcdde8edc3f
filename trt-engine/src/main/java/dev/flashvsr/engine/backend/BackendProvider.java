package dev.flashvsr.engine.backend;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Precision;
import java.util.Optional;

/**
 * One place models can run (ONNX Runtime on the CPU, TensorRT on a GPU, ...), found by
 * {@link java.util.ServiceLoader}: an implementation is listed in
 * {@code META-INF/services/dev.flashvsr.engine.backend.BackendProvider} of its jar.
 *
 * <p>A provider must be cheap to construct and must construct on machines that lack its device
 * or native libraries (load them lazily), so that every build can list it; it says why it cannot
 * run in {@link #unusableReason()} instead.
 */
public interface BackendProvider {

    /** The user-facing choice it answers to ({@code backend=cpu}); never {@code AUTO}. */
    Backend backend();

    /** One line for listings, for example "ONNX Runtime 1.20 on the CPU (16 threads)". */
    String description();

    Capabilities capabilities();

    /** Higher ranks win when the backend is {@code auto}; GPU backends rank above the CPU. */
    int rank();

    /** Empty when it can run on this machine, else why not (missing device, driver or library) and what to do. */
    Optional<String> unusableReason();

    /** Whether it can run this kind of model at all (precisions aside). */
    boolean canRun(ModelDefinition definition);

    /**
     * Makes {@code definition} runnable, loading only what {@code precision} needs: for a concrete
     * precision that variant, for {@code AUTO} at each scale the first of
     * {@link Capabilities#precisions()} the model has. {@link Backends} calls this only when the
     * provider is usable, can run the definition, and runs the precision.
     *
     * @param deviceId the device to run on; a provider refuses ids it has no device for
     * @throws EngineException when the model's files cannot be loaded or the device id is not valid
     */
    Model load(ModelDefinition definition, Precision precision, int deviceId) throws EngineException;
}
