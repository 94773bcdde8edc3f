package dev.flashvsr.engine.cpu;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import dev.flashvsr.engine.pkg.ModelManifest;

/**
 * One stream through an ONNX graph on the CPU: each frame is converted to planar float RGB, run
 * through the graph with the stream's recurrent state, and converted back into the output frame
 * the sink provides. Frames are not held (the graph carries its memory as state tensors).
 */
final class OnnxStreamingSession implements StreamingSession {
    private final StreamSpec spec;
    private final ColorConverter converter;
    private final TileRunner runner;

    OnnxStreamingSession(StreamSpec spec, SessionOptions options, OrtSession session, ModelManifest.Graph graph) {
        this.spec = spec;
        this.converter = new ColorConverter(spec.colorimetry(), ChromaUpsampling.BILINEAR,
                Runtime.getRuntime().availableProcessors());
        this.runner = new TileRunner(session, graph, spec.height(), spec.width());
    }

    @Override
    public StreamSpec spec() {
        return spec;
    }

    @Override
    public void push(VideoFrame input, FrameSink sink) throws EngineException {
        converter.toPlanarRgb(input, runner.input(), 0);
        try {
            runner.run();
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime failed on a " + spec.width() + "x" + spec.height() + " frame: "
                    + e.getMessage(), "Check the model package; a smaller tile-size may help if memory ran out", e);
        }
        sink.frameReady(output -> converter.fromPlanarRgb(runner.output(), 0, output));
    }

    @Override
    public void drain(FrameSink sink) {
        // Nothing is held: every push emits its frame.
    }

    @Override
    public void reset() {
        runner.reset();
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
        runner.close();
        converter.close();
    }
}
