package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import java.util.HashMap;
import java.util.Map;

/**
 * One video stream through FlashVSR: frames are held until their chunk has run
 * ({@link ChunkSchedule}: the first output after 25 inputs, then 8 at a time), each chunk's frames
 * are emitted as soon as it is decoded, and at the end of the stream the last frame is repeated
 * until every real frame has its output; the repeats' outputs are dropped. So a stream of N frames
 * gives exactly N frames, for any N >= 1.
 */
final class FlashVsrSession implements StreamingSession {
    /** Input frames held before frame 0 comes out. */
    static final int LATENCY_FRAMES = ChunkSchedule.FIRST_CHUNK_INPUTS - 1;

    private final StreamSpec spec;
    private final ChunkGraphs graphs;
    private final FlashVsrStream stream;
    private final FramePreparation frames;
    private final ColorConverter converter;
    private final float[] lowRes;
    private final Map<Integer, FramePreparation.Upscaled> kept = new HashMap<>();
    private float[] lastInput;
    private FramePreparation.Upscaled lastKept;
    private int emitted;

    FlashVsrSession(StreamSpec spec, ChunkGraphs graphs, FlashVsrStream stream, FramePreparation frames) {
        this.spec = spec;
        this.graphs = graphs;
        this.stream = stream;
        this.frames = frames;
        this.converter = new ColorConverter(spec.colorimetry(), ChromaUpsampling.BILINEAR, 1);
        this.lowRes = new float[3 * spec.width() * spec.height()];
    }

    @Override
    public StreamSpec spec() {
        return spec;
    }

    @Override
    public void push(VideoFrame input, FrameSink sink) throws EngineException {
        spec.requireFrame(input);
        converter.toPlanarRgb(input, lowRes, 0);
        FramePreparation.Upscaled[] keep = new FramePreparation.Upscaled[1];
        float[] modelInput = frames.modelInput(lowRes, keep);
        if (keep[0] != null) {
            kept.put(stream.received(), keep[0]);
        }
        lastInput = modelInput;
        lastKept = keep[0];
        emit(stream.push(modelInput), sink, Integer.MAX_VALUE);
    }

    @Override
    public void drain(FrameSink sink) throws EngineException {
        int real = stream.received();
        if (real == 0 || emitted == real) {
            reset();
            return;
        }
        int padded = ChunkSchedule.paddedLength(real);
        try {
            while (stream.received() < padded) {
                if (lastKept != null) {
                    kept.put(stream.received(), lastKept);
                }
                if (!emit(stream.push(lastInput.clone()), sink, real)) {
                    break;
                }
            }
        } finally {
            reset();
        }
    }

    /** Emits a chunk's frames below {@code limit}; false when the sink stopped accepting. */
    private boolean emit(FlashVsrStream.Chunk chunk, FrameSink sink, int limit) {
        if (chunk == null) {
            return true;
        }
        if (chunk.warning() != null) {
            sink.warning(chunk.warning());
        }
        for (int i = 0; i < chunk.frames().size(); i++) {
            int index = chunk.firstFrame() + i;
            if (index >= limit) {
                break;
            }
            float[] out = frames.outputFrame(chunk.frames().get(i), kept.remove(index));
            emitted++;
            if (!sink.frameReady(destination -> converter.fromPlanarRgb(out, 0, destination))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void reset() {
        stream.reset();
        kept.clear();
        lastInput = null;
        lastKept = null;
        emitted = 0;
    }

    @Override
    public int latencyFrames() {
        return LATENCY_FRAMES;
    }

    @Override
    public int heldFrames() {
        return stream.received() - emitted;
    }

    @Override
    public void close() {
        converter.close();
        stream.close();
        graphs.close();
    }
}
