package dev.flashvsr.engine.backend;

import dev.flashvsr.engine.Precision;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a backend can do, for listings and for choosing a precision.
 *
 * @param device            where the arithmetic runs
 * @param precisions        the precisions it runs, in the order {@link Precision#AUTO} prefers them;
 *                          never empty and never containing {@code AUTO}
 * @param stateMemory       where recurrent state stays between frames
 * @param takesDeviceFrames whether sessions can take frames already in device memory (no copy
 *                          through the host)
 */
public record Capabilities(DeviceKind device, List<Precision> precisions, StateMemory stateMemory,
        boolean takesDeviceFrames) {

    public enum DeviceKind {
        CPU, CUDA_GPU
    }

    public enum StateMemory {
        /** State tensors are host buffers, copied in and out at every frame when the device is not the CPU. */
        HOST,
        /** State tensors stay on the device between frames. */
        DEVICE
    }

    public Capabilities {
        precisions = List.copyOf(precisions);
        if (precisions.isEmpty() || precisions.contains(Precision.AUTO)) {
            throw new IllegalArgumentException("a backend runs at least one concrete precision, not " + precisions);
        }
    }

    /** True for {@code AUTO} and for every precision this backend runs. */
    public boolean runs(Precision precision) {
        return !precision.isConcrete() || precisions.contains(precision);
    }

    /**
     * The precision a graph is chosen in among those a model {@code offers}: {@code requested}
     * when concrete and offered, else for {@code AUTO} the first of {@link #precisions()} offered;
     * empty when none fits.
     */
    public Optional<Precision> choose(Precision requested, Set<Precision> offered) {
        if (requested.isConcrete()) {
            return runs(requested) && offered.contains(requested) ? Optional.of(requested) : Optional.empty();
        }
        return precisions.stream().filter(offered::contains).findFirst();
    }
}
