package dev.flashvsr.engine.tensorrt.cache;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The shapes one engine input accepts: the optimization profile's minimum, optimum and maximum.
 * A fixed shape has all three equal; a range lets a renegotiation inside it reuse the engine.
 */
public record ShapeRange(List<Long> min, List<Long> opt, List<Long> max) {
    public ShapeRange {
        min = List.copyOf(min);
        opt = List.copyOf(opt);
        max = List.copyOf(max);
        if (min.isEmpty() || min.size() != opt.size() || min.size() != max.size()) {
            throw new IllegalArgumentException("shape range " + text(min) + ", " + text(opt) + ", " + text(max)
                    + ": min, opt and max need the same rank, at least 1");
        }
        for (int i = 0; i < min.size(); i++) {
            if (min.get(i) < 1 || min.get(i) > opt.get(i) || opt.get(i) > max.get(i)) {
                throw new IllegalArgumentException("shape range " + text(min) + ", " + text(opt) + ", " + text(max)
                        + ": axis " + i + " needs 1 <= min <= opt <= max");
            }
        }
    }

    /** One shape only. */
    public static ShapeRange fixed(long... dims) {
        List<Long> shape = boxed(dims);
        return new ShapeRange(shape, shape, shape);
    }

    public static ShapeRange of(long[] min, long[] opt, long[] max) {
        return new ShapeRange(boxed(min), boxed(opt), boxed(max));
    }

    public boolean isFixed() {
        return min.equals(max);
    }

    /** {@code 1x3x64x64} when fixed, else {@code 1x3x64x64..1x3x128x128..1x3x256x256} (min..opt..max). */
    public String text() {
        return isFixed() ? text(min) : text(min) + ".." + text(opt) + ".." + text(max);
    }

    /** {@code min/opt/max} always, for the key's canonical text. */
    String minOptMax() {
        return text(min) + "/" + text(opt) + "/" + text(max);
    }

    private static String text(List<Long> dims) {
        return dims.stream().map(String::valueOf).collect(Collectors.joining("x"));
    }

    private static List<Long> boxed(long[] dims) {
        return java.util.Arrays.stream(dims).boxed().toList();
    }
}
