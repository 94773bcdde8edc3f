package dev.flashvsr.engine.cpu;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import dev.flashvsr.engine.color.RowPool;
import dev.flashvsr.engine.pkg.ModelManifest;
import java.nio.FloatBuffer;

/**
 * Runs a whole frame as parallel horizontal bands, one single-threaded ONNX Runtime run per band
 * on its own core, each band converting its own rows in and out. ONNX Runtime spreads one small
 * frame over several threads poorly (on 2 cores, 320x180 runs about 1.6x faster on two threads
 * than on one, not 2x), while bands scale almost linearly, and the colour conversion runs in
 * parallel with it instead of after it.
 *
 * <p>The result equals the whole-frame run: every band's region overlaps its neighbours by the
 * graph's receptive field ({@link BandPlan}), and after each frame the state rows a band computed
 * in its overlap (which saw the region's edge instead of the frame's pixels) are replaced by the
 * neighbour's own rows, so the recurrent state stays exactly the whole frame's.
 */
final class BandedUpscaler implements AutoCloseable {
    private final BandPlan plan;
    private final int width;
    private final int scale;
    private final TileRunner[] runners;
    private final ColorConverter[] converters;
    private final RowPool pool;
    private VideoFrame jobInput;
    private VideoFrame jobOutput;
    private final RowPool.Job frameJob = this::runBand;
    private final RowPool.Job graphJob = this::runGraphOnly;

    BandedUpscaler(OrtSession singleThreaded, ModelManifest.Graph graph, BandPlan plan, int width,
            Colorimetry colorimetry) {
        this.plan = plan;
        this.width = width;
        this.scale = graph.scale();
        runners = new TileRunner[plan.count()];
        converters = new ColorConverter[plan.count()];
        for (int i = 0; i < plan.count(); i++) {
            runners[i] = new TileRunner(singleThreaded, graph, plan.band(i).regionRows(), width);
            converters[i] = new ColorConverter(colorimetry, ChromaUpsampling.BILINEAR, 1);
        }
        pool = new RowPool(plan.count(), "flashvsr-band");
    }

    /** Bytes of the tensor buffers of all bands. */
    long bufferBytes() {
        long bytes = 0;
        for (TileRunner runner : runners) {
            bytes += runner.ownBytes() + runner.runBufferBytes();
        }
        return bytes;
    }

    /** Upscales {@code input} into {@code output}, carrying the state to the next frame. */
    void upscale(VideoFrame input, VideoFrame output) {
        jobInput = input;
        jobOutput = output;
        try {
            pool.run(frameJob, plan.count());
        } finally {
            jobInput = null;
            jobOutput = null;
        }
        exchangeOverlapState();
    }

    /** Only the graph runs of one frame, in parallel as in {@link #upscale}: the benchmark's baseline. */
    void runGraphsOnce() {
        pool.run(graphJob, plan.count());
        exchangeOverlapState();
    }

    void reset() {
        for (TileRunner runner : runners) {
            runner.reset();
        }
    }

    private void runBand(int part, int parts) {
        BandPlan.Band band = plan.band(part);
        TileRunner runner = runners[part];
        ColorConverter converter = converters[part];
        converter.toPlanarRgb(jobInput, 0, band.regionY0(), width, band.regionRows(), runner.input(), 0);
        runOrThrow(runner);
        int outWidth = width * scale;
        int skipped = (band.y0() - band.regionY0()) * scale;
        converter.fromPlanarRgbRows(runner.output(), skipped * outWidth, band.regionRows() * scale * outWidth,
                jobOutput, band.y0() * scale, (band.y1() - band.y0()) * scale);
    }

    private void runGraphOnly(int part, int parts) {
        runOrThrow(runners[part]);
    }

    private static void runOrThrow(TileRunner runner) {
        try {
            runner.run();
        } catch (OrtException e) {
            throw new BandFailure(e);
        }
    }

    /**
     * Copies, for every state tensor, each band's overlap rows from the neighbour that owns them,
     * into the buffers the next frame reads.
     */
    private void exchangeOverlapState() {
        for (int i = 0; i < plan.count(); i++) {
            BandPlan.Band band = plan.band(i);
            if (i > 0) {
                copyStateRows(i - 1, i, band.regionY0(), band.y0());
            }
            if (i + 1 < plan.count()) {
                copyStateRows(i + 1, i, band.y1(), band.regionY1());
            }
        }
    }

    private void copyStateRows(int from, int to, int y0, int y1) {
        BandPlan.Band source = plan.band(from);
        BandPlan.Band target = plan.band(to);
        for (int s = 0; s < runners[to].stateCount(); s++) {
            FloatBuffer src = runners[from].nextState(s);
            FloatBuffer dst = runners[to].nextState(s);
            int channels = runners[to].stateChannels(s);
            for (int c = 0; c < channels; c++) {
                for (int y = y0; y < y1; y++) {
                    int srcIndex = ((c * source.regionRows()) + (y - source.regionY0())) * width;
                    int dstIndex = ((c * target.regionRows()) + (y - target.regionY0())) * width;
                    dst.put(dstIndex, src, srcIndex, width);
                }
            }
        }
    }

    @Override
    public void close() {
        pool.close();
        for (ColorConverter converter : converters) {
            converter.close();
        }
    }

    /** Carries an ONNX Runtime failure out of a band job. */
    static final class BandFailure extends RuntimeException {
        BandFailure(OrtException cause) {
            super(cause);
        }
    }
}
