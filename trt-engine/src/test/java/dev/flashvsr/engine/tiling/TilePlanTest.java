package dev.flashvsr.engine.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TilePlanTest {

    static final int[][] CASES = {
        // width, height, tile, overlap, scale
        {100, 60, 32, 8, 2},
        {97, 61, 32, 8, 4},
        {33, 33, 32, 15, 2},
        {64, 64, 32, 0, 2},
        {65, 40, 32, 0, 4},
        {200, 17, 40, 12, 2},
        {30, 20, 32, 8, 4},
        {300, 200, 0, 50, 2},
        {41, 39, 20, 9, 3},
        {1920, 1080, 256, 16, 4},
    };

    @Test
    void tilesAreFullSizeAndCoverEveryPixel() {
        for (int[] c : CASES) {
            TilePlan plan = TilePlan.of(c[0], c[1], c[2], c[3], c[4]);
            int[] cover = new int[c[0] * c[1]];
            for (Tile t : plan.tiles()) {
                assertEquals(plan.tileWidth(), t.width(), plan + ": every tile has the plan's size");
                assertEquals(plan.tileHeight(), t.height());
                assertEquals(c[2] == 0 ? c[0] : Math.min(c[2], c[0]), t.width());
                assertEquals(c[2] == 0 ? c[1] : Math.min(c[2], c[1]), t.height());
                assertTrue(t.x() >= 0 && t.y() >= 0 && t.x() + t.width() <= c[0] && t.y() + t.height() <= c[1],
                        plan + ": " + t + " inside the frame");
                assertEquals(t.row() * plan.columns() + t.column(), t.index());
                for (int y = t.y(); y < t.y() + t.height(); y++) {
                    for (int x = t.x(); x < t.x() + t.width(); x++) {
                        cover[y * c[0] + x]++;
                    }
                }
            }
            for (int i = 0; i < cover.length; i++) {
                assertTrue(cover[i] > 0, plan + ": pixel " + i + " not covered");
            }
            assertEquals(plan.columns() * plan.rows(), plan.tileCount());
            if (plan.columns() > 1) {
                for (int col = 0; col + 1 < plan.columns(); col++) {
                    int shared = plan.tile(col, 0).x() + plan.tileWidth() - plan.tile(col + 1, 0).x();
                    assertTrue(shared >= plan.overlap(), plan + ": neighbours share at least the overlap");
                }
            }
        }
    }

    @Test
    void weightsSumToOneEverywhere() {
        for (int[] c : CASES) {
            if (c[0] * c[1] > 100_000) {
                continue;
            }
            TilePlan plan = TilePlan.of(c[0], c[1], c[2], c[3], c[4]);
            int ow = plan.outputWidth();
            int oh = plan.outputHeight();
            double[] sum = new double[ow * oh];
            int[] contributors = new int[ow * oh];
            int s = plan.scale();
            for (Tile t : plan.tiles()) {
                for (int ly = 0; ly < s * t.height(); ly++) {
                    for (int lx = 0; lx < s * t.width(); lx++) {
                        float w = plan.weight(t.index(), lx, ly);
                        assertTrue(w >= 0f && w <= 1f);
                        int o = (s * t.y() + ly) * ow + s * t.x() + lx;
                        sum[o] += w;
                        if (w > 0) {
                            contributors[o]++;
                        }
                        boolean inside = lx >= plan.columnWeightStart(t.column()) && lx < plan.columnWeightEnd(t.column())
                                && ly >= plan.rowWeightStart(t.row()) && ly < plan.rowWeightEnd(t.row());
                        assertEquals(w > 0, inside, plan + ": non-zero range of " + t);
                    }
                }
            }
            for (int i = 0; i < sum.length; i++) {
                assertEquals(1.0, sum[i], 1e-6, plan + ": weight sum at output pixel " + i);
                if (contributors[i] == 1) {
                    assertEquals(1.0, sum[i], 0.0, "a lone tile weighs exactly 1");
                }
            }
        }
    }

    @Test
    void noRampAtFrameBorders() {
        TilePlan plan = TilePlan.of(100, 70, 32, 8, 2);
        int s = plan.scale();
        for (Tile t : plan.tiles()) {
            int ow = s * t.width();
            int oh = s * t.height();
            if (t.x() == 0) {
                assertEquals(0, plan.columnWeightStart(t.column()));
                assertEquals(1f, plan.columnWeight(t.column(), 0));
            }
            if (t.x() + t.width() == plan.width()) {
                assertEquals(ow, plan.columnWeightEnd(t.column()));
                assertEquals(1f, plan.columnWeight(t.column(), ow - 1));
            }
            if (t.y() == 0) {
                assertEquals(1f, plan.rowWeight(t.row(), 0));
            }
            if (t.y() + t.height() == plan.height()) {
                assertEquals(1f, plan.rowWeight(t.row(), oh - 1));
            }
        }
    }

    @Test
    void rampIsLinearAcrossTheOverlap() {
        TilePlan plan = TilePlan.of(56, 32, 32, 8, 2); // two columns: 0 and 24, sharing exactly 8 pixels
        assertEquals(2, plan.columns());
        assertEquals(24, plan.tile(1, 0).x());
        assertEquals(24, plan.columnZoneStart(0));
        for (int k = 0; k < 16; k++) {
            assertEquals((k + 0.5f) / 16f, plan.columnWeight(1, k), 1e-6f);
            assertEquals(1 - (k + 0.5f) / 16f, plan.columnWeight(0, 48 + k), 1e-6f);
        }
        assertEquals(1f, plan.columnWeight(0, 47));
        assertEquals(1f, plan.columnWeight(1, 16));
    }

    @Test
    void lastTileShiftsInwardAndItsZoneIsCentred() {
        TilePlan plan = TilePlan.of(70, 32, 32, 8, 2); // step 24: tiles at 0, 24 and (shifted) 38
        assertEquals(3, plan.columns());
        assertEquals(0, plan.tile(0, 0).x());
        assertEquals(24, plan.tile(1, 0).x());
        assertEquals(38, plan.tile(2, 0).x());
        assertEquals(24, plan.columnZoneStart(0));
        // tiles 1 and 2 share 38..55 (18 pixels): the 8-pixel zone is centred there, 43..50
        assertEquals(43, plan.columnZoneStart(1));
        assertEquals(2 * (43 - 38), plan.columnWeightStart(2), "the shifted tile weighs 0 before its zone");
        assertEquals(0f, plan.columnWeight(2, 2 * (43 - 38) - 1));
        assertEquals(2 * (51 - 24), plan.columnWeightEnd(1), "and its neighbour 0 after it");
        assertEquals(1f, plan.columnWeight(1, 2 * (43 - 24) - 1));
    }

    @Test
    void wholeFrameAndSmallFrames() {
        TilePlan whole = TilePlan.of(300, 200, 0, 40, 4);
        assertEquals(1, whole.tileCount());
        assertEquals(0, whole.overlap());
        assertEquals(new Tile(0, 0, 0, 0, 0, 300, 200), whole.tile(0));
        TilePlan small = TilePlan.of(20, 10, 64, 8, 2);
        assertEquals(1, small.tileCount());
        assertEquals(new Tile(0, 0, 0, 0, 0, 20, 10), small.tile(0));
        TilePlan narrow = TilePlan.of(20, 100, 64, 8, 2);
        assertEquals(1, narrow.columns());
        assertEquals(2, narrow.rows());
        assertEquals(20, narrow.tileWidth());
        assertEquals(64, narrow.tileHeight());
        assertEquals(1f, narrow.columnWeight(0, 0));
        assertEquals(1f, narrow.columnWeight(0, 39));
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TilePlan.of(100, 100, 32, 16, 2), "2 * overlap = tile");
        assertThrows(IllegalArgumentException.class, () -> TilePlan.of(100, 100, 32, 20, 2), "2 * overlap > tile");
        assertThrows(IllegalArgumentException.class, () -> TilePlan.of(100, 100, -1, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> TilePlan.of(100, 100, 32, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> TilePlan.of(0, 100, 32, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> TilePlan.of(100, 100, 32, 8, 0));
        TilePlan ok = TilePlan.of(100, 100, 32, 15, 2);
        assertEquals(15, ok.overlap());
    }
}
