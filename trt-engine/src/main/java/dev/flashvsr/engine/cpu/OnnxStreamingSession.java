package dev.flashvsr.engine.cpu;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.MemoryEstimate;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.tiling.Tile;
import dev.flashvsr.engine.tiling.TilePlan;
import dev.flashvsr.engine.tiling.TiledUpscaler;

/**
 * One stream through an ONNX graph on the CPU: each frame is converted to planar float RGB, run
 * through the graph with the stream's recurrent state, and converted back into the output frame
 * the sink provides. Frames are not held (the graph carries its memory as state tensors).
 *
 * <p>How frames run is the {@link SessionLayout}'s choice. As parallel bands ({@link
 * BandedUpscaler}, exactly the whole-frame result), or as one whole frame through one
 * {@link TileRunner} straight from and to its direct buffers. With {@code tile-size} set and a
 * frame larger than a tile, every tile has its own runner (and so its own recurrent state), all
 * sharing one set of run buffers since tiles run one after another; tiles are read from the frame
 * on demand and their outputs feathered together by {@link TiledUpscaler}, which hands finished
 * rows to the output conversion band by band, so no full-size float image is ever held.
 */
final class OnnxStreamingSession implements StreamingSession {
    private static final System.Logger LOG = System.getLogger(OnnxStreamingSession.class.getName());

    private final StreamSpec spec;
    private final ColorConverter converter;
    private final TileRunner[] runners;
    private final TiledUpscaler tiled;
    private final BandedUpscaler banded;
    private final long bufferBytes;

    /**
     * @param session     the graph's session, all cores
     * @param bandSession the same graph single-threaded, for parallel bands; null if the layout
     *                    has no bands
     */
    OnnxStreamingSession(StreamSpec spec, SessionLayout layout, OrtSession session, OrtSession bandSession,
            ModelManifest.Graph graph) {
        this.spec = spec;
        TilePlan plan = layout.tiles();
        if (layout.kind() == SessionLayout.Kind.BANDS) {
            banded = new BandedUpscaler(bandSession, graph, layout.bands(), spec.width(), spec.colorimetry());
            converter = null;
            runners = new TileRunner[0];
            tiled = null;
            bufferBytes = banded.bufferBytes();
        } else {
            banded = null;
            converter = new ColorConverter(spec.colorimetry(), ChromaUpsampling.BILINEAR, layout.cores());
            runners = new TileRunner[plan.tileCount()];
            TileRunner.RunBuffers shared = new TileRunner.RunBuffers(graph, plan.tileHeight(), plan.tileWidth());
            long bytes = shared.bytes();
            for (int i = 0; i < runners.length; i++) {
                runners[i] = new TileRunner(session, graph, plan.tileHeight(), plan.tileWidth(), shared);
                bytes += runners[i].ownBytes();
            }
            tiled = plan.tileCount() > 1 ? new TiledUpscaler(plan) : null;
            bufferBytes = bytes + (tiled == null ? 0 : tiled.bufferBytes());
        }
        LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime session for {0}: {1}, {2} of tensor and tiling buffers",
                spec, layout, MemoryEstimate.format(bufferBytes));
    }

    /** Bytes of the tensor and tiling buffers this session allocated (colour conversion rows not counted). */
    long bufferBytes() {
        return bufferBytes;
    }

    @Override
    public StreamSpec spec() {
        return spec;
    }

    @Override
    public void push(VideoFrame input, FrameSink sink) throws EngineException {
        spec.requireFrame(input);
        try {
            if (banded != null) {
                sink.frameReady(output -> banded.upscale(input, output));
            } else if (tiled == null) {
                TileRunner runner = runners[0];
                converter.toPlanarRgb(input, runner.input(), 0);
                runner.run();
                sink.frameReady(output -> converter.fromPlanarRgb(runner.output(), 0, output));
            } else {
                sink.frameReady(output -> upscaleTiles(input, output));
            }
        } catch (OrtException | TileFailure | BandedUpscaler.BandFailure e) {
            Throwable cause = e instanceof OrtException ? e : e.getCause();
            throw new EngineException("ONNX Runtime failed on a " + spec.width() + "x" + spec.height() + " frame: "
                    + cause.getMessage(), "Check the model package; a smaller tile-size may help if memory ran out",
                    cause);
        }
    }

    private void upscaleTiles(VideoFrame input, VideoFrame output) {
        tiled.upscale((tile, destination) -> converter.toPlanarRgb(input, tile.x(), tile.y(), tile.width(),
                tile.height(), destination, 0),
                this::runTile,
                (data, offset, planeStride, y0, rows) -> converter.fromPlanarRgbRows(data, offset, planeStride, output,
                        y0, rows));
    }

    private void runTile(Tile tile, float[] in, float[] out) {
        TileRunner runner = runners[tile.index()];
        runner.input().clear().put(in, 0, runner.input().capacity());
        try {
            runner.run();
        } catch (OrtException e) {
            throw new TileFailure(e);
        }
        runner.output().clear().get(out, 0, runner.output().capacity());
    }

    /** Carries an ONNX Runtime failure out of the tiling callbacks. */
    private static final class TileFailure extends RuntimeException {
        TileFailure(OrtException cause) {
            super(cause);
        }
    }

    @Override
    public void drain(FrameSink sink) {
        // Nothing is held: every push emits its frame.
    }

    @Override
    public void reset() {
        for (TileRunner runner : runners) {
            runner.reset();
        }
        if (banded != null) {
            banded.reset();
        }
    }

    @Override
    public int latencyFrames() {
        return 0;
    }

    @Override
    public int heldFrames() {
        return 0;
    }

    @Override
    public void close() {
        if (converter != null) {
            converter.close();
        }
        if (banded != null) {
            banded.close();
        }
    }
}
