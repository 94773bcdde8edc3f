package dev.flashvsr.engine.weights;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Finds NaN and infinite values in weights before a model runs on them: such a value spreads
 * through every layer after it and turns whole frames white or black without any error. One pass
 * over the data, tensors scanned in parallel, nothing read into the heap for file-backed sources.
 */
public final class FiniteValues {
    private FiniteValues() {
    }

    /**
     * The first tensor of {@code source} (in file order) holding a NaN or an infinity, described
     * with its file, name, shape, element and value; empty when every value is finite.
     */
    public static Optional<String> firstProblem(WeightSource source) {
        List<String> names = source.names();
        long[] found = new long[names.size()];
        IntStream.range(0, names.size()).parallel().forEach(i -> found[i] = source.firstNonFinite(names.get(i)));
        for (int i = 0; i < names.size(); i++) {
            if (found[i] >= 0) {
                TensorInfo info = source.info(names.get(i));
                return Optional.of(source.origin() + ": tensor '" + names.get(i) + "' " + Arrays.toString(info.shape())
                        + " holds a non-finite value (NaN or infinity) at element " + found[i]);
            }
        }
        return Optional.empty();
    }
}
