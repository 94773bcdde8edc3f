package dev.flashvsr.engine.tiling;

import java.util.Objects;

/**
 * Runs a per-tile upscaling function over a {@link TilePlan} and stitches the tiles' outputs with
 * the plan's feathered weights, handing finished output rows to a {@link BandSink} band by band.
 *
 * <p><b>Memory.</b> There is no whole-frame output buffer. Tiles are processed one tile row at a
 * time, left to right, and weighted outputs are accumulated into a band buffer of
 * {@code 3 x (scale * tileHeight) x outputWidth} floats. After each tile row the rows no later tile
 * touches are handed to the sink and the rows of the next blend zone are moved to the top of the
 * band (nothing is ever cleared: a pixel's first contributor assigns, later ones add). Held memory
 * ({@link #bufferBytes()}): band {@code 12 * scale * tileHeight * outputWidth} bytes, plus one tile input
 * ({@code 12 * tileWidth * tileHeight}) and one tile output ({@code 12 * scale^2 * tileWidth *
 * tileHeight}). For 1920x1080 -> 7680x4320 (scale 4) with tile 256, overlap 16 that is 94.4 MB +
 * 0.8 MB + 12.6 MB = 108 MB, against 398 MB for one whole-frame float output. When the plan has a
 * single tile the band buffer is not allocated: the tile output (the whole frame) is handed to the
 * sink directly, so an untiled 4x of 1080p holds the 398 MB output once.
 *
 * <p>Weights outside blend zones are exactly 1 or 0, so there the result is bit-identical to the
 * tile function's own output. Not thread-safe; allocates nothing per frame.
 */
public final class TiledUpscaler {
    private final TilePlan plan;
    private final int outWidth;
    private final int bandPlane;
    private final float[] band;
    private final float[] tileIn;
    private final float[] tileOut;
    private final int tileOutWidth;
    private final int tileOutPlane;
    private final TileSource arraySource = this::copyTile;
    private float[] frameInput;

    public TiledUpscaler(TilePlan plan) {
        this.plan = Objects.requireNonNull(plan);
        int s = plan.scale();
        outWidth = plan.outputWidth();
        tileOutWidth = s * plan.tileWidth();
        tileOutPlane = tileOutWidth * s * plan.tileHeight();
        tileOut = new float[3 * tileOutPlane];
        if (plan.tileCount() == 1) {
            bandPlane = 0;
            band = null;
        } else {
            bandPlane = s * plan.tileHeight() * outWidth;
            band = new float[3 * bandPlane];
        }
        tileIn = new float[3 * plan.tileWidth() * plan.tileHeight()];
    }

    public TilePlan plan() {
        return plan;
    }

    /** Bytes of the float buffers this upscaler holds (band, tile input, tile output). */
    public long bufferBytes() {
        return 4L * ((band == null ? 0 : band.length) + tileIn.length + tileOut.length);
    }

    /** Bytes of the float buffers an upscaler for {@code plan} will hold, before it is made. */
    public static long bufferBytes(TilePlan plan) {
        long s = plan.scale();
        long tile = (long) plan.tileWidth() * plan.tileHeight();
        long band = plan.tileCount() == 1 ? 0 : s * plan.tileHeight() * plan.outputWidth();
        return 4L * 3 * (band + tile + s * s * tile);
    }

    /**
     * Upscales a whole frame given as planar float RGB: 3 planes of {@code width x height} from
     * index 0 of {@code input}.
     */
    public void upscale(float[] input, TileFunction function, BandSink sink) {
        int w = plan.width();
        int h = plan.height();
        long plane = (long) w * h;
        if (input.length < 3 * plane) {
            throw new IllegalArgumentException("input needs " + 3 * plane + " floats, got " + input.length);
        }
        if (plan.tileCount() == 1) {
            Tile t = plan.tile(0);
            function.apply(t, input, tileOut);
            sink.accept(tileOut, 0, tileOutPlane, 0, plan.outputHeight());
            return;
        }
        frameInput = input;
        try {
            run(arraySource, function, sink);
        } finally {
            frameInput = null;
        }
    }

    /** Upscales a frame whose tiles are read on demand from {@code source}. */
    public void upscale(TileSource source, TileFunction function, BandSink sink) {
        run(source, function, sink);
    }

    private void run(TileSource source, TileFunction function, BandSink sink) {
        Objects.requireNonNull(function);
        Objects.requireNonNull(sink);
        if (plan.tileCount() == 1) {
            Tile t = plan.tile(0);
            source.read(t, tileIn);
            function.apply(t, tileIn, tileOut);
            sink.accept(tileOut, 0, tileOutPlane, 0, plan.outputHeight());
            return;
        }
        int s = plan.scale();
        int emitted = 0;
        for (int row = 0; row < plan.rows(); row++) {
            int base = s * plan.tile(0, row).y(); // output row held in band row 0
            for (int col = 0; col < plan.columns(); col++) {
                Tile t = plan.tile(col, row);
                source.read(t, tileIn);
                function.apply(t, tileIn, tileOut);
                accumulate(t);
            }
            int finished = plan.finishedRows(row);
            if (finished > emitted) {
                sink.accept(band, (emitted - base) * outWidth, bandPlane, emitted, finished - emitted);
                emitted = finished;
            }
            if (row + 1 < plan.rows()) {
                // The blend zone's rows [finished, base + rowWeightEnd) get weight from the next tile
                // row too: move them to where that row's band has them (its rowWeightStart).
                int next = s * plan.tile(0, row + 1).y();
                int keep = base + plan.rowWeightEnd(row) - finished;
                if (keep > 0) {
                    for (int c = 0; c < 3; c++) {
                        int p = c * bandPlane;
                        System.arraycopy(band, p + (finished - base) * outWidth, band,
                                p + (finished - next) * outWidth, keep * outWidth);
                    }
                }
            }
        }
    }

    /**
     * Adds one tile's weighted output to the band. The band is never cleared: each band pixel's
     * first contributor assigns instead of adding. Within a tile row, tile columns are visited left
     * to right, so a tile's left blend zone already holds its left neighbour's share and the rest
     * of its non-zero range is new; the top blend zone's rows hold the previous tile row's share.
     */
    private void accumulate(Tile t) {
        int s = plan.scale();
        int ramp = s * plan.overlap();
        float[] wx = plan.columnWeights(t.column());
        float[] wy = plan.rowWeights(t.row());
        int x0 = plan.columnWeightStart(t.column());
        int x1 = plan.columnWeightEnd(t.column());
        int y0 = plan.rowWeightStart(t.row());
        int y1 = plan.rowWeightEnd(t.row());
        int xNew = t.column() > 0 ? Math.min(x1, x0 + ramp) : x0; // [x0, xNew): left zone, already written
        int yNew = t.row() > 0 ? Math.min(y1, y0 + ramp) : y0; // [y0, yNew): top zone, already written
        int outX = s * t.x();
        for (int ly = y0; ly < y1; ly++) {
            float rowWeight = wy[ly];
            for (int c = 0; c < 3; c++) {
                int dst = c * bandPlane + ly * outWidth + outX;
                int src = c * tileOutPlane + ly * tileOutWidth;
                if (ly < yNew) {
                    addWeighted(band, dst, tileOut, src, wx, rowWeight, x0, x1);
                } else {
                    addWeighted(band, dst, tileOut, src, wx, rowWeight, x0, xNew);
                    setWeighted(band, dst, tileOut, src, wx, rowWeight, xNew, x1);
                }
            }
        }
    }

    private static void addWeighted(float[] band, int dst, float[] tile, int src, float[] wx, float rowWeight,
            int x0, int x1) {
        for (int x = x0; x < x1; x++) {
            band[dst + x] += rowWeight * wx[x] * tile[src + x];
        }
    }

    private static void setWeighted(float[] band, int dst, float[] tile, int src, float[] wx, float rowWeight,
            int x0, int x1) {
        for (int x = x0; x < x1; x++) {
            band[dst + x] = rowWeight * wx[x] * tile[src + x];
        }
    }

    private void copyTile(Tile t, float[] dst) {
        float[] input = frameInput;
        int width = plan.width();
        int plane = width * plan.height();
        int tw = t.width();
        int tilePlane = tw * t.height();
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < t.height(); r++) {
                System.arraycopy(input, c * plane + (t.y() + r) * width + t.x(), dst, c * tilePlane + r * tw, tw);
            }
        }
    }
}
