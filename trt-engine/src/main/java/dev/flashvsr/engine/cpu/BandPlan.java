package dev.flashvsr.engine.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * A frame split into horizontal bands that run in parallel. Each band owns the output (and
 * state) rows of its core and computes them from a region that extends {@code halo} rows past
 * the core on each side inside the frame; with {@code halo} at least the graph's receptive
 * field, every core pixel sees exactly what it would see in the whole frame.
 *
 * @param height frame height in input rows
 * @param halo   rows of overlap on each side of a core
 * @param bands  the bands, top to bottom
 */
record BandPlan(int height, int halo, List<Band> bands) {

    /** Rows of a band: the core [y0, y1) it owns inside its region [regionY0, regionY1). */
    record Band(int index, int y0, int y1, int regionY0, int regionY1) {
        int regionRows() {
            return regionY1 - regionY0;
        }
    }

    /**
     * Up to {@code maxBands} bands of equal core height (rows split as evenly as possible), as
     * many as keep each core at least {@code minCoreRows} and at least {@code halo} rows high (so
     * a halo row always belongs to the next band's core). One band when the frame is too low.
     */
    static BandPlan of(int height, int halo, int maxBands, int minCoreRows) {
        if (height < 1 || halo < 0 || maxBands < 1) {
            throw new IllegalArgumentException("height " + height + ", halo " + halo + ", bands " + maxBands);
        }
        int n = Math.max(1, Math.min(maxBands, height / Math.max(Math.max(minCoreRows, halo), 1)));
        List<Band> bands = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int y0 = (int) ((long) height * i / n);
            int y1 = (int) ((long) height * (i + 1) / n);
            bands.add(new Band(i, y0, y1, Math.max(0, y0 - halo), Math.min(height, y1 + halo)));
        }
        return new BandPlan(height, halo, List.copyOf(bands));
    }

    int count() {
        return bands.size();
    }

    Band band(int index) {
        return bands.get(index);
    }
}
