package dev.flashvsr.engine.cpu;

import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.tiling.TilePlan;

/**
 * How an {@link OnnxStreamingSession} runs a stream's frames, decided from the stream, the tile
 * settings and the graph alone, so that a session's memory can be estimated before it is opened
 * ({@link SessionMemory}). Untiled, a frame high enough for two bands, of a graph whose receptive
 * field is known, runs as parallel bands; otherwise as one whole frame; with {@code tile-size}
 * smaller than the frame, as tiles.
 *
 * @param kind  which of the three
 * @param tiles the tile plan (one tile unless {@code kind} is {@link Kind#TILES})
 * @param bands the band plan (used only when {@code kind} is {@link Kind#BANDS})
 * @param cores threads the whole-frame and tile runs and their colour conversion use
 */
record SessionLayout(Kind kind, TilePlan tiles, BandPlan bands, int cores) {
    /** Bands lower than this are not worth a thread of their own. */
    static final int MIN_BAND_ROWS = 32;

    enum Kind {
        WHOLE_FRAME, BANDS, TILES
    }

    /**
     * @param bandsAvailable whether the model has single-threaded sessions for parallel bands
     * @param cores          the machine's cores
     */
    static SessionLayout of(StreamSpec spec, SessionOptions options, ModelManifest.Graph graph, boolean bandsAvailable,
            int cores) {
        TilePlan tiles = TilePlan.of(spec.width(), spec.height(), options.tileSize(), options.tileOverlap(),
                spec.scale());
        BandPlan bands = BandPlan.of(spec.height(), graph.receptiveField(), cores, MIN_BAND_ROWS);
        Kind kind;
        if (tiles.tileCount() > 1) {
            kind = Kind.TILES;
        } else if (bandsAvailable && bands.count() > 1) {
            kind = Kind.BANDS;
        } else {
            kind = Kind.WHOLE_FRAME;
        }
        return new SessionLayout(kind, tiles, bands, cores);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case WHOLE_FRAME -> "whole frame, " + cores + " threads";
            case BANDS -> bands.count() + " parallel bands, one thread each";
            case TILES -> tiles.tileCount() + " tiles of " + tiles.tileWidth() + "x" + tiles.tileHeight()
                    + " (overlap " + tiles.overlap() + "), " + cores + " threads";
        };
    }
}
