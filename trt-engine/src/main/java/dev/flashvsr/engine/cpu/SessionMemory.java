package dev.flashvsr.engine.cpu;

import dev.flashvsr.engine.MemoryEstimate;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.tiling.TilePlan;
import dev.flashvsr.engine.tiling.TiledUpscaler;

/**
 * The working memory of an {@link OnnxStreamingSession} with a given layout, before it is opened.
 *
 * <ul>
 * <li>tensors: each runner's state and previous frame ({@link TileRunner#ownElements}) and its run
 * buffers ({@link TileRunner.RunBuffers#elements}): one set per band, one per whole frame, one
 * shared by all tiles; times the tensor element size;
 * <li>tiling: the feathering buffers of {@link TiledUpscaler#bufferBytes(TilePlan)};
 * <li>conversion: the colour converter's rows, about {@value #CONVERSION_BYTES_PER_COLUMN} bytes
 * per output column per converting thread;
 * <li>runtime: ONNX Runtime's activations and arena while a frame runs, proportional to the input
 * pixels run at once (bands run at the same time and add up), measured for the shipped graphs by
 * {@code ActivationMemoryMeasurement} (README, "Memory").
 * </ul>
 */
final class SessionMemory {
    /**
     * ONNX Runtime's memory per input pixel of one run, in tensor elements (4 bytes each in fp32),
     * for x4 graphs. Measured for vsr-small, the largest shipped x4 graph: 1,708 bytes per pixel
     * on one or two threads (vsr-small-fast 1,596; parallel bands 1,227), rounded up.
     */
    static final int RUNTIME_ELEMENTS_PER_PIXEL_X4 = 428;
    /** The same for x2 graphs: measured 642 bytes per pixel for vsr-small and vsr-small-fast. */
    static final int RUNTIME_ELEMENTS_PER_PIXEL_X2 = 162;
    /** ONNX Runtime's part that does not grow with the frame (measured 2-8 MiB), with a margin. */
    static final long RUNTIME_FIXED_BYTES = 16L << 20;
    /** ColorConverter's scratch rows per converting thread: bytes per column of the widest (output) row. */
    static final int CONVERSION_BYTES_PER_COLUMN = 48;

    private SessionMemory() {
    }

    /**
     * @param elementBytes bytes per tensor element of the graph's precision (4 for fp32)
     */
    static MemoryEstimate estimate(SessionLayout layout, ModelManifest.Graph graph, int elementBytes) {
        TilePlan tiles = layout.tiles();
        long frame = (long) tiles.width() * tiles.height();
        long outputColumns = tiles.outputWidth();
        return switch (layout.kind()) {
            case WHOLE_FRAME -> new MemoryEstimate(elementBytes * regionElements(graph, frame), 0,
                    conversionBytes(outputColumns, layout.cores()), runtimeBytes(graph, frame, elementBytes));
            case BANDS -> {
                long tensors = 0;
                long pixels = 0;
                for (BandPlan.Band band : layout.bands().bands()) {
                    long region = (long) band.regionRows() * tiles.width();
                    tensors += elementBytes * regionElements(graph, region);
                    pixels += region;
                }
                yield new MemoryEstimate(tensors, 0, conversionBytes(outputColumns, layout.bands().count()),
                        runtimeBytes(graph, pixels, elementBytes));
            }
            case TILES -> {
                long tile = (long) tiles.tileWidth() * tiles.tileHeight();
                long tensors = elementBytes * (tiles.tileCount() * TileRunner.ownElements(graph, tile)
                        + TileRunner.RunBuffers.elements(graph, tile));
                yield new MemoryEstimate(tensors, TiledUpscaler.bufferBytes(tiles),
                        conversionBytes(outputColumns, layout.cores()), runtimeBytes(graph, tile, elementBytes));
            }
        };
    }

    /** A runner with its own run buffers. */
    private static long regionElements(ModelManifest.Graph graph, long pixels) {
        return TileRunner.ownElements(graph, pixels) + TileRunner.RunBuffers.elements(graph, pixels);
    }

    private static long conversionBytes(long outputColumns, int threads) {
        return CONVERSION_BYTES_PER_COLUMN * outputColumns * threads;
    }

    private static long runtimeBytes(ModelManifest.Graph graph, long pixels, int elementBytes) {
        int perPixel = graph.scale() == 2 ? RUNTIME_ELEMENTS_PER_PIXEL_X2 : RUNTIME_ELEMENTS_PER_PIXEL_X4;
        return RUNTIME_FIXED_BYTES + (long) perPixel * elementBytes * pixels;
    }
}
