package dev.flashvsr.engine.tensorrt.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuildSettingsTest {
    private final ShapeRange range = new ShapeRange(new long[] {1, 3, 8, 8}, new long[] {1, 3, 24, 32},
            new long[] {1, 3, 64, 64});

    @Test
    void aRangeContainsShapesBetweenMinAndMaxOfItsRank() {
        assertTrue(range.contains(new long[] {1, 3, 8, 64}));
        assertFalse(range.contains(new long[] {1, 3, 7, 32}));
        assertFalse(range.contains(new long[] {1, 3, 24, 65}));
        assertFalse(range.contains(new long[] {3, 24, 32}));
        assertFalse(range.isFixed());
        assertTrue(ShapeRange.fixed(1, 3, 8, 8).isFixed());
    }

    @Test
    void rangesAreValuesTheCallerCannotChange() {
        long[] min = {1, 3, 8, 8};
        ShapeRange copy = new ShapeRange(min, new long[] {1, 3, 24, 32}, new long[] {1, 3, 64, 64});
        min[2] = 100;
        copy.min()[3] = 100;
        assertEquals(range, copy);
        assertEquals(range.hashCode(), copy.hashCode());
        assertArrayEquals(new long[] {1, 3, 8, 8}, copy.min());
        assertEquals(ShapeRange.fixed(1, 2), new ShapeRange(new long[] {1, 2}, new long[] {1, 2}, new long[] {1, 2}));
    }

    /** The cache key's text of a range: stable, so engines built before stay found. */
    @Test
    void textsForLogsAndTheKey() {
        assertEquals("1x3x8x8..1x3x24x32..1x3x64x64", range.text());
        assertEquals("1x3x8x8/1x3x24x32/1x3x64x64", range.minOptMax());
        assertEquals("1x4x24x32", ShapeRange.fixed(1, 4, 24, 32).text());
    }

    @Test
    void unorderedOrEmptyRangesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShapeRange(new long[] {2}, new long[] {1}, new long[] {3}));
        assertTrue(e.getMessage().contains("axis 0 needs 1 <= min <= opt <= max"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ShapeRange(new long[] {1}, new long[] {4},
                new long[] {3}));
        assertThrows(IllegalArgumentException.class, () -> new ShapeRange(new long[] {0}, new long[] {1},
                new long[] {3}));
        assertThrows(IllegalArgumentException.class, () -> ShapeRange.fixed());
    }

    @Test
    void differentRanksAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShapeRange(new long[] {1}, new long[] {1, 2}, new long[] {1, 2}));
        assertTrue(e.getMessage().contains("same rank"), e.getMessage());
    }

    @Test
    void settingsKeepTheInputsInOrderAndNeedAWorkspace() {
        Map<String, ShapeRange> shapes = new LinkedHashMap<>();
        shapes.put("current", range);
        shapes.put("hidden", ShapeRange.fixed(1, 4, 24, 32));
        BuildSettings settings = new BuildSettings(shapes, 1 << 20, null);
        shapes.clear();
        assertEquals(List.of("current", "hidden"), List.copyOf(settings.shapes().keySet()));
        assertEquals(Optional.empty(), settings.timingCache());
        assertThrows(IllegalArgumentException.class, () -> new BuildSettings(Map.of(), 0, Optional.empty()));
    }

    @Test
    void weightStreamingIsOffUnlessAskedAndTellsSettingsApart() {
        Map<String, ShapeRange> shapes = Map.of("current", range);
        BuildSettings kept = new BuildSettings(shapes, 1 << 20, Optional.empty());
        BuildSettings streamed = new BuildSettings(shapes, 1 << 20, Optional.empty(), true);
        assertFalse(kept.weightStreaming());
        assertTrue(streamed.weightStreaming());
        assertNotEquals(kept, streamed);
        assertEquals(kept, new BuildSettings(shapes, 1 << 20, Optional.empty(), false));
    }
}
