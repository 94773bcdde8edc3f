package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.pixels.ColorFix;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The FlashVSR streaming pipeline on float frames on the host: high-res-sized low-quality frames
 * [3, H, W] in [-1, 1] go in one at a time; whenever a chunk's inputs are complete
 * ({@link ChunkSchedule}) it runs the LQ projector, the DiT and the decoder ({@link ChunkRunner})
 * and returns that chunk's output frames [3, H, W] in [-1, 1], colour-fixed against their input
 * frames (when a {@link ColorFix} is given) and clamped.
 */
final class FlashVsrStream {
    /**
     * Output frames of one chunk, first frame index and frames in order, and a warning for the
     * user about them (null when there is none).
     */
    record Chunk(int firstFrame, List<float[]> frames, String warning) {
    }

    private final HostFrames frames;
    private final ChunkRunner runner;

    FlashVsrStream(ChunkGraphs graphs, LatentNoise noise, ColorFix colorFix) {
        this.frames = new HostFrames(graphs.layout(), colorFix);
        this.runner = new ChunkRunner(graphs, noise, frames);
    }

    /** The runner and frames underneath, for a session on host frames. */
    ChunkRunner runner() {
        return runner;
    }

    HostFrames frames() {
        return frames;
    }

    /** Frames received since the start or the last reset. */
    int received() {
        return runner.received();
    }

    /** Lowers the RoPE position at which cached keys are rebased (tests). */
    void rebaseBelow(int limit) {
        runner.rebaseBelow(limit);
    }

    /** Hands every DiT call's outputs to {@code observer} (calibration reads its probes there). */
    void observeDit(Consumer<Map<String, float[]>> observer) {
        runner.observeDit(observer);
    }

    /** Feeds frame number {@link #received()}; returns the chunk it completes, if any. */
    Chunk push(float[] frame) throws EngineException {
        frames.hold(runner.received(), frame);
        ChunkRunner.Chunk chunk = runner.advance();
        return chunk == null ? null : new Chunk(chunk.firstFrame(), frames.finished(), chunk.warning());
    }

    /** Releases the noise file (the graphs, which hold the state, are closed by their owner). */
    void close() {
        runner.close();
    }

    /** Back to the start of a stream. */
    void reset() {
        runner.reset();
    }
}
