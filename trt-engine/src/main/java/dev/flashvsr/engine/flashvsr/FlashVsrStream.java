package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.graph.TcDecoderGraph;
import dev.flashvsr.engine.flashvsr.pixels.ColorFix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The FlashVSR streaming pipeline on float frames: high-res-sized low-quality frames
 * [3, H, W] in [-1, 1] go in one at a time; whenever a chunk's inputs are complete
 * ({@link ChunkSchedule}) it runs the LQ projector, the DiT and the decoder and returns that
 * chunk's output frames [3, H, W] in [-1, 1], colour-fixed against their input frames (when a
 * {@link ColorFix} is given) and clamped.
 */
final class FlashVsrStream {
    /**
     * Output frames of one chunk, first frame index and frames in order, and a warning for the
     * user about them (null when there is none).
     */
    record Chunk(int firstFrame, List<float[]> frames, String warning) {
    }

    private final ChunkGraphs graphs;
    private final FlashVsrLayout layout;
    private final LatentNoise noise;
    private final ColorFix colorFix;
    private final StateStore state;
    private final TreeMap<Integer, float[]> inputs = new TreeMap<>();
    private int received;
    private boolean warnedAboutNoise;
    private int positionOffset;
    private int rebaseLimit;
    private Consumer<Map<String, float[]>> ditOutputs = outputs -> { };

    FlashVsrStream(ChunkGraphs graphs, LatentNoise noise, ColorFix colorFix) {
        this.graphs = graphs;
        this.layout = graphs.layout();
        this.state = graphs.state();
        this.noise = noise;
        this.colorFix = colorFix;
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

    /** Feeds frame number {@link #received()}; returns the chunk it completes, if any. */
    Chunk push(float[] frame) throws EngineException {
        if (frame.length != 3 * layout.height() * layout.width()) {
            throw new IllegalArgumentException("frame has " + frame.length + " values, expected 3x" + layout.height()
                    + "x" + layout.width());
        }
        inputs.put(received++, frame);
        int chunk = ChunkSchedule.chunkCompletedBy(received);
        return chunk < 0 ? null : runChunk(chunk);
    }

    /** Releases the noise file (the graphs, which hold the state, are closed by their owner). */
    void close() {
        noise.close();
    }

    /** Back to the start of a stream. */
    void reset() {
        graphs.reset();
        inputs.clear();
        received = 0;
        positionOffset = 0;
    }

    private Chunk runChunk(int k) throws EngineException {
        project(k);
        int latents = ChunkSchedule.latentCount(k);
        int first = ChunkSchedule.firstLatent(k);
        float[] x = noiseLatents(first, latents);
        rebaseIfNeeded(first + latents - 1);
        long[] positions = new long[latents];
        for (int i = 0; i < latents; i++) {
            positions[i] = first + i - positionOffset;
        }
        Map<String, float[]> outputs = graphs.dit(k == 0, x, positions);
        ditOutputs.accept(outputs);
        float[] prediction = outputs.get("noise_pred");
        for (int i = 0; i < x.length; i++) {
            x[i] -= prediction[i]; // one step: x0 = noise - v
        }
        List<float[]> frames = decode(k, x, latents);
        int firstFrame = ChunkSchedule.firstOutput(k);
        for (int i = 0; i < frames.size(); i++) {
            float[] frame = frames.get(i);
            for (int j = 0; j < frame.length; j++) {
                frame[j] = frame[j] * 2 - 1;
            }
            if (colorFix != null) {
                colorFix.apply(frame, inputs.get(firstFrame + i), frame); // clamps to [-1, 1] too
            } else {
                for (int j = 0; j < frame.length; j++) {
                    frame[j] = Math.max(-1f, Math.min(1f, frame[j]));
                }
            }
        }
        inputs.headMap(ChunkSchedule.firstOutput(k + 1)).clear();
        return new Chunk(firstFrame, frames, noiseWarning(first + latents, firstFrame));
    }

    /** Runs the LQ projector over chunk k's frames; its tokens are the chunk's DiT input. */
    private void project(int k) throws EngineException {
        int start;
        if (k == 0) {
            List<float[]> first = layout.lqProjector().firstCallInputs(inputs.get(0));
            for (int s = 0; s < layout.lqProjector().states().size(); s++) {
                var st = layout.lqProjector().states().get(s);
                state.put(st.input(), first.get(s + 1), st.shape());
            }
            graphs.project(first.get(0), -1); // fills the caches; upstream returns no tokens
            start = 1;
        } else {
            start = ChunkSchedule.inputsFor(k) - ChunkSchedule.CHUNK_INPUTS;
        }
        int end = ChunkSchedule.inputsFor(k);
        for (int f = start, slot = 0; f < end; f += ChunkSchedule.FRAMES_PER_LATENT, slot++) {
            graphs.project(stack(f, ChunkSchedule.FRAMES_PER_LATENT), slot);
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
        state.rewriteStartingWith("k_cache_", rebase::apply);
        positionOffset += shift;
    }

    /** Decodes denoised latents x [1, C, T, h, w] of chunk k into frames [3, H, W] in [0, 1]. */
    private List<float[]> decode(int k, float[] x, int latents) throws EngineException {
        int plane = layout.latentHeight() * layout.latentWidth();
        int channels = layout.latentChannels();
        float[] ntchw = new float[x.length];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < latents; t++) {
                System.arraycopy(x, (c * latents + t) * plane, ntchw, (t * channels + c) * plane, plane);
            }
        }
        int condStart = ChunkSchedule.conditionStart(k);
        int condFrames = ChunkSchedule.outputEnd(k) - condStart;
        float[] cond = stack(condStart, condFrames);
        TcDecoderGraph decoder = layout.decoder(k == 0);
        if (k == 0) {
            cond = TcDecoderGraph.padCond(cond, condFrames, layout.height(), layout.width(), decoder.params());
            for (var memory : decoder.states()) { // the memory before the first frame is zero
                state.put(memory.input(), new float[memory.size()], memory.shape());
            }
        }
        float[] out = graphs.decode(k == 0, ntchw, cond);
        int frameSize = 3 * layout.height() * layout.width();
        int total = out.length / frameSize;
        int skip = k == 0 ? layout.framesToTrim() : 0;
        List<float[]> frames = new ArrayList<>(total - skip);
        for (int f = skip; f < total; f++) {
            float[] frame = new float[frameSize];
            System.arraycopy(out, f * frameSize, frame, 0, frameSize);
            frames.add(frame);
        }
        return frames;
    }

    /** Frames start..start+count-1 as one video [3, count, H, W] (channel-major, NCTHW without N). */
    private float[] stack(int start, int count) {
        int plane = layout.height() * layout.width();
        float[] video = new float[3 * count * plane];
        for (int t = 0; t < count; t++) {
            float[] frame = inputs.get(start + t);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(frame, c * plane, video, (c * count + t) * plane, plane);
            }
        }
        return video;
    }
}
