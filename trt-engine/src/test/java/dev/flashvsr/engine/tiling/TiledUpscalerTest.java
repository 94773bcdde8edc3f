package dev.flashvsr.engine.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TiledUpscalerTest {

    // ------------------------------------------------------------------ local per-tile functions

    /** Nearest-neighbour upscale of a planar 3 x h x w image into {@code out}: purely local. */
    static void nearest(float[] in, int w, int h, int s, float[] out) {
        int ow = w * s;
        int oh = h * s;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    out[c * ow * oh + y * ow + x] = in[c * w * h + (y / s) * w + x / s];
                }
            }
        }
    }

    /** Bilinear upscale with centre-aligned pixels ({@code src = (dst + 0.5) / s - 0.5}) and edges repeated. */
    static void bilinear(float[] in, int w, int h, int s, float[] out) {
        int ow = w * s;
        int oh = h * s;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < oh; y++) {
                double sy = (y + 0.5) / s - 0.5;
                int y0 = (int) Math.floor(sy);
                double fy = sy - y0;
                int ya = Math.max(0, Math.min(h - 1, y0));
                int yb = Math.max(0, Math.min(h - 1, y0 + 1));
                for (int x = 0; x < ow; x++) {
                    double sx = (x + 0.5) / s - 0.5;
                    int x0 = (int) Math.floor(sx);
                    double fx = sx - x0;
                    int xa = Math.max(0, Math.min(w - 1, x0));
                    int xb = Math.max(0, Math.min(w - 1, x0 + 1));
                    int p = c * w * h;
                    double top = in[p + ya * w + xa] * (1 - fx) + in[p + ya * w + xb] * fx;
                    double bottom = in[p + yb * w + xa] * (1 - fx) + in[p + yb * w + xb] * fx;
                    out[c * ow * oh + y * ow + x] = (float) (top * (1 - fy) + bottom * fy);
                }
            }
        }
    }

    /** A non-linear pointwise op applied after the upscale (stands in for a model's per-pixel head). */
    static void pointwise(float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = 0.8f * out[i] * out[i] + 0.1f;
        }
    }

    interface Upscale {
        void run(float[] in, int w, int h, int s, float[] out);
    }

    static TileFunction tileFunction(Upscale up, int s) {
        return (tile, in, out) -> {
            up.run(in, tile.width(), tile.height(), s, out);
            pointwise(out, 3 * s * s * tile.width() * tile.height());
        };
    }

    static float[] untiled(Upscale up, float[] in, int w, int h, int s) {
        float[] out = new float[3 * s * s * w * h];
        up.run(in, w, h, s, out);
        pointwise(out, out.length);
        return out;
    }

    static float[] tiled(TilePlan plan, float[] in, TileFunction f) {
        float[] out = new float[3 * plan.outputWidth() * plan.outputHeight()];
        new TiledUpscaler(plan).upscale(in, f, BandSink.into(out, plan.outputWidth(), plan.outputHeight()));
        return out;
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat();
        }
        return v;
    }

    /** Output pixels where one tile has weight exactly 1 (outside every blend zone). */
    static boolean[] owned(TilePlan plan) {
        int ow = plan.outputWidth();
        boolean[] owned = new boolean[ow * plan.outputHeight()];
        int s = plan.scale();
        for (Tile t : plan.tiles()) {
            for (int ly = 0; ly < s * t.height(); ly++) {
                for (int lx = 0; lx < s * t.width(); lx++) {
                    if (plan.weight(t.index(), lx, ly) == 1f) {
                        owned[(s * t.y() + ly) * ow + s * t.x() + lx] = true;
                    }
                }
            }
        }
        return owned;
    }

    static final int[][] PLANS = {
        // width, height, tile, overlap, scale
        {100, 70, 32, 8, 2},
        {97, 61, 32, 8, 4},
        {70, 45, 24, 4, 2},
        {64, 64, 32, 0, 2},
        {51, 33, 20, 6, 3},
    };

    // ------------------------------------------------------------------ equality with the untiled result

    @Test
    void localFunctionTiledEqualsUntiledEverywhere() {
        for (int[] c : PLANS) {
            TilePlan plan = TilePlan.of(c[0], c[1], c[2], c[3], c[4]);
            float[] in = random(3 * c[0] * c[1], c[0]);
            float[] want = untiled(TiledUpscalerTest::nearest, in, c[0], c[1], c[4]);
            float[] got = tiled(plan, in, tileFunction(TiledUpscalerTest::nearest, c[4]));
            boolean[] owned = owned(plan);
            for (int i = 0; i < want.length; i++) {
                if (owned[i % owned.length]) {
                    assertEquals(want[i], got[i], 0f, plan + ": exact outside blend zones, at " + i);
                } else {
                    assertEquals(want[i], got[i], 1e-6f, plan + ": blended identical values, at " + i);
                }
            }
        }
    }

    /**
     * Bilinear depends on neighbours, so a tile's output differs from the whole frame's within half
     * an input pixel of its edges. Those pixels only occur inside blend zones, where the tile weighs
     * less than {@code (s/2) / (s * overlap)}: outside the zones the results are bit-identical,
     * inside they differ by less than {@code 1 / (2 * overlap)} (stated tolerance; measured values
     * are far smaller).
     */
    @Test
    void neighbourFunctionTiledEqualsUntiledAwayFromBlendZones() {
        for (int[] c : PLANS) {
            if (c[3] == 0) {
                continue;
            }
            TilePlan plan = TilePlan.of(c[0], c[1], c[2], c[3], c[4]);
            float[] in = random(3 * c[0] * c[1], 17 + c[0]);
            float[] want = untiled(TiledUpscalerTest::bilinear, in, c[0], c[1], c[4]);
            float[] got = tiled(plan, in, tileFunction(TiledUpscalerTest::bilinear, c[4]));
            boolean[] owned = owned(plan);
            double worstZone = 0;
            int ownedCount = 0;
            for (int i = 0; i < want.length; i++) {
                if (owned[i % owned.length]) {
                    assertEquals(want[i], got[i], 0f, plan + ": exact outside blend zones, at " + i);
                    ownedCount++;
                } else {
                    worstZone = Math.max(worstZone, Math.abs(want[i] - got[i]));
                }
            }
            assertTrue(ownedCount > want.length / 2, plan + ": most pixels are outside zones");
            double tolerance = 1.0 / (2 * c[3]);
            assertTrue(worstZone < tolerance, plan + ": zone difference " + worstZone + " >= " + tolerance);
        }
    }

    @Test
    void tileSourceEqualsWholeFrameInput() {
        int w = 90;
        int h = 50;
        VideoFrame frame = VideoFrame.allocate(PixelFormat.NV12, w, h);
        Random random = new Random(9);
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < frame.plane(p).capacity(); i++) {
                frame.plane(p).put(i, (byte) (40 + random.nextInt(170)));
            }
        }
        ColorConverter converter = new ColorConverter(new Colorimetry(Colorimetry.Matrix.BT601, false),
                ChromaUpsampling.BILINEAR, 1);
        float[] whole = new float[3 * w * h];
        converter.toPlanarRgb(frame, whole, 0);
        TilePlan plan = TilePlan.of(w, h, 32, 6, 2);
        TileFunction f = tileFunction(TiledUpscalerTest::bilinear, 2);
        float[] a = tiled(plan, whole, f);
        float[] b = new float[a.length];
        new TiledUpscaler(plan).upscale(
                (tile, dst) -> converter.toPlanarRgb(frame, tile.x(), tile.y(), tile.width(), tile.height(), dst, 0),
                f, BandSink.into(b, plan.outputWidth(), plan.outputHeight()));
        assertArrayEquals(a, b);
    }

    // ------------------------------------------------------------------ seams

    /** Max |second difference| along x (rows) and along y (columns), skipping {@code margin} pixels at frame borders. */
    static double maxSecondDifference(float[] img, int w, int h, int margin) {
        double worst = 0;
        for (int c = 0; c < 3; c++) {
            int p = c * w * h;
            for (int y = margin; y < h - margin; y++) {
                for (int x = margin; x < w - margin; x++) {
                    int i = p + y * w + x;
                    worst = Math.max(worst, Math.abs(img[i - 1] - 2 * img[i] + img[i + 1]));
                    worst = Math.max(worst, Math.abs(img[i - w] - 2 * img[i] + img[i + w]));
                }
            }
        }
        return worst;
    }

    /**
     * Gradients through tiles whose outputs disagree by a per-tile offset (as separately run model
     * tiles do): with feathering the offset changes linearly over {@code scale * overlap} output
     * pixels, so no second difference exceeds about {@code offset / (scale * overlap)}; without
     * overlap the seam is a step of the full offset.
     */
    @Test
    void gradientsShowNoSeam() {
        int w = 200;
        int h = 150;
        int s = 4;
        float delta = 0.02f;
        float[] in = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                in[y * w + x] = 0.1f + 0.8f * x / w; // horizontal gradient
                in[w * h + y * w + x] = 0.1f + 0.8f * y / h; // vertical gradient
                in[2 * w * h + y * w + x] = 0.1f + 0.8f * (x + y) / (w + h); // diagonal
            }
        }
        TileFunction disagreeing = (tile, tin, tout) -> {
            bilinear(tin, tile.width(), tile.height(), s, tout);
            float offset = ((tile.column() + tile.row()) % 2) * delta;
            for (int i = 0; i < 3 * s * s * tile.width() * tile.height(); i++) {
                tout[i] += offset;
            }
        };
        float[] plain = untiled(TiledUpscalerTest::bilinear, in, w, h, s);
        double base = maxSecondDifference(plain, w * s, h * s, 2 * s);
        TilePlan feathered = TilePlan.of(w, h, 64, 16, s);
        TilePlan hard = TilePlan.of(w, h, 64, 0, s);
        assertTrue(feathered.tileCount() >= 9);
        double seamFeathered = maxSecondDifference(tiled(feathered, in, disagreeing), w * s, h * s, 2 * s);
        double seamHard = maxSecondDifference(tiled(hard, in, disagreeing), w * s, h * s, 2 * s);
        double bound = 1.1 * delta / (s * 16) + 1e-4;
        assertTrue(base < 1e-5, "the gradient itself is linear: " + base);
        assertTrue(seamFeathered <= bound, "feathered seam: max second difference " + seamFeathered + " > " + bound);
        assertTrue(seamHard > 0.9 * delta, "the test detects a hard seam: " + seamHard);
        // and when tiles agree, feathering leaves the gradient practically untouched
        double agreeing = maxSecondDifference(tiled(feathered, in, (tile, tin, tout) -> bilinear(tin, tile.width(),
                tile.height(), s, tout)), w * s, h * s, 2 * s);
        assertTrue(agreeing < 1e-4, "agreeing tiles: " + agreeing);
    }

    // ------------------------------------------------------------------ protocol

    @Test
    void everyTileOnceInOrderWithItsIndex() {
        TilePlan plan = TilePlan.of(100, 70, 32, 8, 2);
        TiledUpscaler upscaler = new TiledUpscaler(plan);
        float[] in = random(3 * 100 * 70, 1);
        for (int frame = 0; frame < 3; frame++) {
            List<Tile> seen = new ArrayList<>();
            upscaler.upscale(in, (tile, tin, tout) -> {
                seen.add(tile);
                assertEquals(3 * tile.width() * tile.height(), tin.length);
                assertEquals(3 * 4 * tile.width() * tile.height(), tout.length);
                nearest(tin, tile.width(), tile.height(), 2, tout);
            }, (data, offset, planeStride, y0, rows) -> { });
            assertEquals(plan.tiles(), seen, "row-major, each tile once, same indices every frame");
        }
    }

    /** The band buffer is never cleared between frames: nothing of an earlier frame may leak into a later one. */
    @Test
    void reuseAcrossFramesLeavesNoTrace() {
        for (int[] c : PLANS) {
            TilePlan plan = TilePlan.of(c[0], c[1], c[2], c[3], c[4]);
            TileFunction f = tileFunction(TiledUpscalerTest::bilinear, c[4]);
            TiledUpscaler reused = new TiledUpscaler(plan);
            float[] scratch = new float[3 * plan.outputWidth() * plan.outputHeight()];
            float[] first = random(3 * c[0] * c[1], 40);
            for (int i = 0; i < first.length; i++) {
                first[i] *= 1000; // large values that would show
            }
            reused.upscale(first, f, BandSink.into(scratch, plan.outputWidth(), plan.outputHeight()));
            float[] second = random(3 * c[0] * c[1], 41);
            float[] got = new float[scratch.length];
            reused.upscale(second, f, BandSink.into(got, plan.outputWidth(), plan.outputHeight()));
            assertArrayEquals(tiled(plan, second, f), got, plan.toString());
        }
    }

    @Test
    void bandsCoverEveryRowOnceTopToBottom() {
        for (int[] c : PLANS) {
            TilePlan plan = TilePlan.of(c[0], c[1], c[2], c[3], c[4]);
            List<int[]> bands = new ArrayList<>();
            new TiledUpscaler(plan).upscale(random(3 * c[0] * c[1], 2), tileFunction(TiledUpscalerTest::nearest, c[4]),
                    (data, offset, planeStride, y0, rows) -> {
                        assertTrue(offset >= 0 && offset + 2L * planeStride + (long) rows * plan.outputWidth()
                                <= data.length);
                        bands.add(new int[] {y0, rows});
                    });
            int next = 0;
            for (int[] b : bands) {
                assertEquals(next, b[0], plan + ": bands are contiguous");
                assertEquals(0, b[0] % plan.scale(), plan + ": bands start on multiples of the scale");
                assertTrue(b[1] > 0);
                next += b[1];
            }
            assertEquals(plan.outputHeight(), next);
            assertEquals(plan.rows(), bands.size(), plan + ": one band per tile row");
        }
    }

    @Test
    void singleTilePassesStraightThrough() {
        TilePlan plan = TilePlan.of(40, 30, 0, 0, 2);
        TiledUpscaler upscaler = new TiledUpscaler(plan);
        float[] in = random(3 * 40 * 30, 3);
        float[] out = new float[3 * 80 * 60];
        float[][] seenInput = new float[1][];
        upscaler.upscale(in, (tile, tin, tout) -> {
            seenInput[0] = tin;
            bilinear(tin, 40, 30, 2, tout);
        }, BandSink.into(out, 80, 60));
        assertSame(in, seenInput[0], "no copy of the input for one tile");
        float[] want = new float[out.length];
        bilinear(in, 40, 30, 2, want);
        assertArrayEquals(want, out);
        assertEquals(4L * (3 * 40 * 30 + 3 * 80 * 60), upscaler.bufferBytes());
    }

    @Test
    void bufferBytesAreKnownBeforeTheUpscalerIsMade() {
        for (TilePlan plan : new TilePlan[] {TilePlan.of(40, 30, 0, 0, 2), TilePlan.of(97, 61, 32, 6, 4),
                TilePlan.of(200, 50, 64, 10, 2), TilePlan.of(64, 64, 64, 10, 4)}) {
            assertEquals(new TiledUpscaler(plan).bufferBytes(), TiledUpscaler.bufferBytes(plan), plan.toString());
        }
    }

    // ------------------------------------------------------------------ full HD to 8K within the test heap

    /**
     * 1920x1080 NV12 -> 7680x4320 NV12 with 256-pixel tiles and 16 pixels of overlap inside the
     * tests' 1 GiB heap: tiles are converted from the frame on demand, bands go straight into the
     * output frame. The tile function is nearest-neighbour, so every output pixel must carry its
     * source pixel's colour.
     */
    @Test
    void fullHdToEightKInBoundedMemory() {
        int w = 1920;
        int h = 1080;
        int s = 4;
        VideoFrame input = VideoFrame.allocate(PixelFormat.NV12, w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                input.setSample(0, x, y, 0, 60 + (x * 7 + y * 3) % 120);
            }
        }
        for (int y = 0; y < (h + 1) / 2; y++) {
            for (int x = 0; x < (w + 1) / 2; x++) {
                input.setSample(1, x, y, 0, 118 + (x / 40) % 20);
                input.setSample(1, x, y, 1, 120 + (y / 30) % 16);
            }
        }
        VideoFrame output = VideoFrame.allocate(PixelFormat.NV12, w * s, h * s);
        TilePlan plan = TilePlan.of(w, h, 256, 16, s);
        TiledUpscaler upscaler = new TiledUpscaler(plan);
        try (ColorConverter converter = new ColorConverter(new Colorimetry(Colorimetry.Matrix.BT709, false),
                ChromaUpsampling.BILINEAR, 2)) {
            int[] rowsWritten = {0};
            long t0 = System.nanoTime();
            upscaler.upscale(
                    (tile, dst) -> converter.toPlanarRgb(input, tile.x(), tile.y(), tile.width(), tile.height(), dst, 0),
                    (tile, tin, tout) -> nearest(tin, tile.width(), tile.height(), s, tout),
                    (data, offset, planeStride, y0, rows) -> {
                        converter.fromPlanarRgbRows(data, offset, planeStride, output, y0, rows);
                        rowsWritten[0] += rows;
                    });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(h * s, rowsWritten[0]);
            assertTrue(upscaler.bufferBytes() < 120L * 1024 * 1024, "buffers " + upscaler.bufferBytes());
            Random random = new Random(10);
            for (int i = 0; i < 20_000; i++) {
                int x = random.nextInt(w * s);
                int y = random.nextInt(h * s);
                int want = input.sample(0, x / s, y / s, 0);
                int got = output.sample(0, x, y, 0);
                assertTrue(Math.abs(want - got) <= 1, "Y at " + x + "," + y + ": " + got + " vs " + want);
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("1920x1080 -> 7680x4320 NV12, %s: %d ms (nearest tile function), upscaler buffers %.1f MB,"
                    + " heap max %d MB%n", plan, ms, upscaler.bufferBytes() / 1e6, rt.maxMemory() >> 20);
        }
    }
}
