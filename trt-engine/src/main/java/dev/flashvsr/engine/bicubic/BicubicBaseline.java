package dev.flashvsr.engine.bicubic;

import dev.flashvsr.engine.Model;
import java.util.Set;

/**
 * What the bicubic baseline is on every backend: named {@code bicubic}, not learned, x2 and x4
 * (the scales whose Keys weights are exact multiples of 1/1024).
 */
public interface BicubicBaseline extends Model {
    String NAME = "bicubic";

    @Override
    default String name() {
        return NAME;
    }

    @Override
    default boolean isNeural() {
        return false;
    }

    @Override
    default Set<Integer> scales() {
        return Set.of(2, 4);
    }
}
