package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;

/**
 * One video stream through FlashVSR: frames are held until their chunk has run
 * ({@link ChunkSchedule}: the first output after 25 inputs, then 8 at a time), each chunk's frames
 * are emitted as soon as it is decoded, and at the end of the stream the last frame is repeated
 * until every real frame has its output; the repeats' outputs are dropped. So a stream of N frames
 * gives exactly N frames, for any N >= 1. The frames live in a {@link FrameStore}: on the host, or
 * on the GPU the graphs run on.
 */
final class FlashVsrSession implements StreamingSession {
    /** Input frames held before frame 0 comes out. */
    static final int LATENCY_FRAMES = ChunkSchedule.FIRST_CHUNK_INPUTS - 1;

    private final StreamSpec spec;
    private final ChunkGraphs graphs;
    private final ChunkRunner runner;
    private final FrameStore store;
    private int emitted;

    /** A session on host frames: {@code stream}'s, prepared as {@code frames} says. */
    FlashVsrSession(StreamSpec spec, ChunkGraphs graphs, FlashVsrStream stream, FramePreparation frames) {
        this(spec, graphs, stream.runner(), new HostFrameStore(spec, frames, stream.frames()));
    }

    /** A session whose frames are in {@code store}, which is {@code runner}'s frames too. */
    FlashVsrSession(StreamSpec spec, ChunkGraphs graphs, ChunkRunner runner, FrameStore store) {
        this.spec = spec;
        this.graphs = graphs;
        this.runner = runner;
        this.store = store;
    }

    @Override
    public StreamSpec spec() {
        return spec;
    }

    @Override
    public void push(VideoFrame input, FrameSink sink) throws EngineException {
        spec.requireFrame(input);
        store.put(runner.received(), input);
        emit(runner.advance(), sink, Integer.MAX_VALUE);
    }

    @Override
    public void drain(FrameSink sink) throws EngineException {
        int real = runner.received();
        if (real == 0 || emitted == real) {
            reset();
            return;
        }
        int padded = ChunkSchedule.paddedLength(real);
        try {
            while (runner.received() < padded) {
                store.repeat(runner.received() - 1, runner.received());
                if (!emit(runner.advance(), sink, real)) {
                    break;
                }
            }
        } finally {
            reset();
        }
    }

    /** Emits a chunk's frames below {@code limit}; false when the sink stopped accepting. */
    private boolean emit(ChunkRunner.Chunk chunk, FrameSink sink, int limit) throws EngineException {
        if (chunk == null) {
            return true;
        }
        if (chunk.warning() != null) {
            sink.warning(chunk.warning());
        }
        for (int i = 0; i < chunk.count(); i++) {
            int index = chunk.firstFrame() + i;
            if (index >= limit) {
                break;
            }
            emitted++;
            if (!store.emit(i, index, sink)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void reset() {
        runner.reset();
        store.clear();
        emitted = 0;
    }

    @Override
    public int latencyFrames() {
        return LATENCY_FRAMES;
    }

    @Override
    public int heldFrames() {
        return runner.received() - emitted;
    }

    /** The store first: a GPU store queues its work on the graphs' stream. */
    @Override
    public void close() {
        store.close();
        runner.close();
        graphs.close();
    }
}
