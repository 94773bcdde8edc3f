package dev.flashvsr.engine.tensorrt.runtime;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to build an engine: one optimization profile (a shape range per input), the builder's
 * workspace limit and an optional timing cache file (read when present, written after the build).
 * There are no precision flags: networks are strongly typed, so precision comes from the graph.
 *
 * @param shapes the shape range of each input, by tensor name, in insertion order
 * @param workspaceBytes the builder's workspace memory pool limit
 * @param timingCache the timing cache file, if any
 */
public record BuildSettings(Map<String, ShapeRange> shapes, long workspaceBytes, Optional<Path> timingCache) {
    public BuildSettings {
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        if (workspaceBytes <= 0) {
            throw new IllegalArgumentException("workspace bytes must be positive, got " + workspaceBytes);
        }
        timingCache = timingCache == null ? Optional.empty() : timingCache;
    }

    /**
     * The dimensions an input may take: every engine-time shape lies between {@code min} and
     * {@code max} dimension by dimension; TensorRT tunes kernels for {@code opt}.
     */
    public record ShapeRange(long[] min, long[] opt, long[] max) {
        public ShapeRange {
            min = min.clone();
            opt = opt.clone();
            max = max.clone();
            if (min.length != opt.length || opt.length != max.length) {
                throw new IllegalArgumentException("min, opt and max must have the same rank, got "
                        + Arrays.toString(min) + ", " + Arrays.toString(opt) + ", " + Arrays.toString(max));
            }
        }

        /** One fixed shape: min, opt and max equal. */
        public static ShapeRange fixed(long... shape) {
            return new ShapeRange(shape, shape, shape);
        }

        @Override
        public long[] min() {
            return min.clone();
        }

        @Override
        public long[] opt() {
            return opt.clone();
        }

        @Override
        public long[] max() {
            return max.clone();
        }

        public int rank() {
            return min.length;
        }

        /** Whether min <= opt <= max in every dimension. */
        public boolean ordered() {
            for (int i = 0; i < min.length; i++) {
                if (min[i] > opt[i] || opt[i] > max[i]) {
                    return false;
                }
            }
            return true;
        }

        /** Whether {@code shape} has this rank and lies within [min, max] in every dimension. */
        public boolean contains(long[] shape) {
            if (shape.length != min.length) {
                return false;
            }
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < min[i] || shape[i] > max[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ShapeRange that && Arrays.equals(min, that.min) && Arrays.equals(opt, that.opt)
                    && Arrays.equals(max, that.max);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(min) + Arrays.hashCode(opt)) + Arrays.hashCode(max);
        }

        @Override
        public String toString() {
            return "min " + Arrays.toString(min) + " opt " + Arrays.toString(opt) + " max " + Arrays.toString(max);
        }
    }
}
