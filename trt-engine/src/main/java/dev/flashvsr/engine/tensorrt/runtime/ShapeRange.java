package dev.flashvsr.engine.tensorrt.runtime;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The dimensions one engine input accepts: the optimization profile's minimum, optimum and
 * maximum. Every shape given at run time lies between {@code min} and {@code max} dimension by
 * dimension; TensorRT tunes its kernels for {@code opt}. A fixed shape has all three equal; a range
 * lets a renegotiation inside it reuse the engine. Part of the engine cache key.
 */
public record ShapeRange(long[] min, long[] opt, long[] max) {
    public ShapeRange {
        min = min.clone();
        opt = opt.clone();
        max = max.clone();
        if (min.length == 0 || min.length != opt.length || opt.length != max.length) {
            throw new IllegalArgumentException("shape range " + text(min) + ", " + text(opt) + ", " + text(max)
                    + ": min, opt and max need the same rank, at least 1");
        }
        for (int i = 0; i < min.length; i++) {
            if (min[i] < 1 || min[i] > opt[i] || opt[i] > max[i]) {
                throw new IllegalArgumentException("shape range " + text(min) + ", " + text(opt) + ", " + text(max)
                        + ": axis " + i + " needs 1 <= min <= opt <= max");
            }
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

    public boolean isFixed() {
        return Arrays.equals(min, max);
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

    /** {@code 1x3x64x64} when fixed, else {@code 1x3x64x64..1x3x128x128..1x3x256x256} (min..opt..max). */
    public String text() {
        return isFixed() ? text(min) : text(min) + ".." + text(opt) + ".." + text(max);
    }

    /** {@code min/opt/max} always: the engine cache key's canonical text (keep it stable). */
    public String minOptMax() {
        return text(min) + "/" + text(opt) + "/" + text(max);
    }

    private static String text(long[] dims) {
        return Arrays.stream(dims).mapToObj(String::valueOf).collect(Collectors.joining("x"));
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
