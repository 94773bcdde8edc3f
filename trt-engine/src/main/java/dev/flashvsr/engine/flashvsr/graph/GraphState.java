package dev.flashvsr.engine.flashvsr.graph;

import java.util.Arrays;

/**
 * One piece of streaming state of a step graph: the runner feeds graph input {@code input} and,
 * after the call, keeps graph output {@code output} (same shape, float32) as the next call's
 * value of {@code input}.
 */
public record GraphState(String input, String output, long[] shape) {
    public GraphState {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of float32 values. */
    public int size() {
        return Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphState s && input.equals(s.input) && output.equals(s.output)
                && Arrays.equals(shape, s.shape);
    }

    @Override
    public int hashCode() {
        return (input.hashCode() * 31 + output.hashCode()) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return input + " -> " + output + " " + Arrays.toString(shape);
    }
}
