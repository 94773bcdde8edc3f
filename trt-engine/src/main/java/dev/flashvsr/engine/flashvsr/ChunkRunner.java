package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.graph.TcDecoderGraph;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The FlashVSR streaming pipeline over a stream's frames ({@link StreamFrames}): input frames are
 * counted in one at a time; whenever a chunk's inputs are complete ({@link ChunkSchedule}) it runs
 * the LQ projector, the DiT and the decoder on them and leaves the chunk's output frames in the
 * frames. Noise latents and positions are made on the host; the one step between the DiT and the
 * decoder runs where the graphs run ({@link ChunkGraphs#denoise}).
 */
final class ChunkRunner {
    /** A chunk's output frames in the stream's frames: first frame index and count, and a warning (or null). */
    record Chunk(int firstFrame, int count, String warning) {
    }

    private final ChunkGraphs graphs;
    private final FlashVsrLayout layout;
    private final LatentNoise noise;
    private final StreamFrames frames;
    private final StateStore state;
    private int received;
    private boolean warnedAboutNoise;
    private int positionOffset;
    private int rebaseLimit;
    /** Calibration's observer of the DiT's outputs, or null. */
    private Consumer<Map<String, float[]>> ditOutputs;

    ChunkRunner(ChunkGraphs graphs, LatentNoise noise, StreamFrames frames) {
        this.graphs = graphs;
        this.layout = graphs.layout();
        this.state = graphs.state();
        this.noise = noise;
        this.frames = frames;
        this.rebaseLimit = layout.ropePositions();
    }

    /** Frames received since the start or the last reset. */
    int received() {
        return received;
    }

    /** Lowers the RoPE position at which cached keys are rebased (tests). */
    void rebaseBelow(int limit) {
        rebaseLimit = limit;
    }

    /** Hands every DiT call's outputs to {@code observer} (calibration reads its probes there). */
    void observeDit(Consumer<Map<String, float[]>> observer) {
        ditOutputs = observer;
    }

    /** Counts in frame {@link #received()}, which the frames hold; returns the chunk it completes, if any. */
    Chunk advance() throws EngineException {
        int chunk = ChunkSchedule.chunkCompletedBy(++received);
        return chunk < 0 ? null : runChunk(chunk);
    }

    /** Releases the noise file (the graphs, which hold the state, are closed by their owner). */
    void close() {
        noise.close();
    }

    /** Back to the start of a stream. */
    void reset() {
        graphs.reset();
        frames.clear();
        received = 0;
        positionOffset = 0;
    }

    private Chunk runChunk(int k) throws EngineException {
        // the last chunk's inputs are held until now: a store may colour-fix its outputs as they are emitted
        frames.releaseBelow(ChunkSchedule.firstOutput(k));
        project(k);
        int latents = ChunkSchedule.latentCount(k);
        int first = ChunkSchedule.firstLatent(k);
        float[] x = noiseLatents(first, latents);
        rebaseIfNeeded(first + latents - 1);
        long[] positions = new long[latents];
        for (int i = 0; i < latents; i++) {
            positions[i] = first + i - positionOffset;
        }
        DecoderLatents denoised = graphs.denoise(k == 0, x, positions, ditOutputs);
        int firstFrame = ChunkSchedule.firstOutput(k);
        int count = frames.finish(decode(k, denoised), k == 0 ? layout.framesToTrim() : 0, firstFrame);
        return new Chunk(firstFrame, count, noiseWarning(first + latents, firstFrame));
    }

    /** Runs the LQ projector over chunk k's frames; its tokens are the chunk's DiT input. */
    private void project(int k) throws EngineException {
        int start;
        if (k == 0) {
            List<float[]> first = layout.lqProjector().firstCallInputs(frames.hostFrame(0));
            for (int s = 0; s < layout.lqProjector().states().size(); s++) {
                var st = layout.lqProjector().states().get(s);
                state.put(st.input(), first.get(s + 1), st.shape());
            }
            // the first call's video is copies of frame 0, stacked where the frames are
            graphs.project(frames.stack(new int[ChunkSchedule.FRAMES_PER_LATENT]), -1); // fills the caches only
            start = 1;
        } else {
            start = ChunkSchedule.inputsFor(k) - ChunkSchedule.CHUNK_INPUTS;
        }
        int end = ChunkSchedule.inputsFor(k);
        for (int f = start, slot = 0; f < end; f += ChunkSchedule.FRAMES_PER_LATENT, slot++) {
            graphs.project(frames.stack(range(f, ChunkSchedule.FRAMES_PER_LATENT)), slot);
        }
    }

    /**
     * Once per session, when a chunk needing latent frames up to {@code latentEnd} (exclusive) is the
     * first to pass the end of a noise file: what the user sees from output frame {@code firstFrame} on.
     */
    private String noiseWarning(int latentEnd, int firstFrame) {
        if (warnedAboutNoise || noise.fileFrames() == 0 || latentEnd <= noise.fileFrames()) {
            return null;
        }
        warnedAboutNoise = true;
        return noise.describeFallback() + ": output frames from " + firstFrame + " on (latent frames from "
                + noise.fileFrames() + " on) differ from a replayed run";
    }

    /** Noise latents [1, C, T, h, w] for latent frames first..first+count-1. */
    private float[] noiseLatents(int first, int count) {
        int plane = layout.latentHeight() * layout.latentWidth();
        int channels = layout.latentChannels();
        float[] frame = new float[channels * plane];
        float[] x = new float[channels * count * plane];
        for (int t = 0; t < count; t++) {
            noise.frame(first + t, frame, 0);
            for (int c = 0; c < channels; c++) {
                System.arraycopy(frame, c * plane, x, (c * count + t) * plane, plane);
            }
        }
        return x;
    }

    /**
     * Shifts RoPE time positions down (cached keys included) before {@code lastLatent} would leave
     * the rotary table.
     */
    private void rebaseIfNeeded(int lastLatent) {
        if (lastLatent - positionOffset < rebaseLimit) {
            return;
        }
        int cached = 2 * layout.kvLen(); // latent frames in the cache
        int shift = lastLatent - positionOffset - ChunkSchedule.CHUNK_LATENTS + 1 - cached;
        KeyCacheRebase rebase = new KeyCacheRebase(layout.headDim(), layout.ropeTimeDims(), layout.ropeTheta(), shift);
        state.rebaseKeys("k_cache_", rebase);
        positionOffset += shift;
    }

    /** Decodes chunk k's denoised latents into frames [1, T, 3, H, W] in [0, 1]. */
    private FrameTensor decode(int k, DecoderLatents latents) throws EngineException {
        int condStart = ChunkSchedule.conditionStart(k);
        int condFrames = ChunkSchedule.outputEnd(k) - condStart;
        TcDecoderGraph decoder = layout.decoder(k == 0);
        int[] cond = range(condStart, condFrames);
        if (k == 0) {
            cond = padCond(cond, decoder);
            for (var memory : decoder.states()) { // the memory before the first frame is zero
                state.put(memory.input(), new float[memory.size()], memory.shape());
            }
        }
        return graphs.decode(k == 0, latents, frames.stack(cond));
    }

    /**
     * Chunk 0's conditioning frames as {@link TcDecoderGraph#padCond} pads them: copies of the
     * first frame prepended up to a multiple of the decoder's frame group.
     */
    private static int[] padCond(int[] cond, TcDecoderGraph decoder) {
        int group = decoder.params().condPixelShuffle().get(0);
        int padded = (cond.length + group - 1) / group * group;
        int[] out = new int[padded];
        Arrays.fill(out, cond[0]);
        System.arraycopy(cond, 0, out, padded - cond.length, cond.length);
        return out;
    }

    private static int[] range(int start, int count) {
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = start + i;
        }
        return indices;
    }
}
