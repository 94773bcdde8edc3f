package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.graph.LqProjectorGraph;
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

    private final FlashVsrGraphs graphs;
    private final LatentNoise noise;
    private final ColorFix colorFix;
    private final StreamState state = new StreamState();
    private final TreeMap<Integer, float[]> inputs = new TreeMap<>();
    private int received;
    private boolean warnedAboutNoise;
    private int positionOffset;
    private int rebaseLimit;
    private Consumer<Map<String, float[]>> ditOutputs = outputs -> { };

    FlashVsrStream(FlashVsrGraphs graphs, LatentNoise noise, ColorFix colorFix) {
        this.graphs = graphs;
        this.noise = noise;
        this.colorFix = colorFix;
        this.rebaseLimit = graphs.ropePositions();
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
        if (frame.length != 3 * graphs.height() * graphs.width()) {
            throw new IllegalArgumentException("frame has " + frame.length + " values, expected 3x" + graphs.height()
                    + "x" + graphs.width());
        }
        inputs.put(received++, frame);
        int chunk = ChunkSchedule.chunkCompletedBy(received);
        return chunk < 0 ? null : runChunk(chunk);
    }

    /** Releases the noise file and the state. */
    void close() {
        noise.close();
        state.close();
    }

    /** Back to the start of a stream. */
    void reset() {
        state.clear();
        inputs.clear();
        received = 0;
        positionOffset = 0;
    }

    private Chunk runChunk(int k) throws EngineException {
        float[] tokens = projectorTokens(k);
        int latents = ChunkSchedule.latentCount(k);
        int first = ChunkSchedule.firstLatent(k);
        float[] x = noiseLatents(first, latents);
        rebaseIfNeeded(first + latents - 1);
        long[] positions = new long[latents];
        for (int i = 0; i < latents; i++) {
            positions[i] = first + i - positionOffset;
        }
        GraphStep dit = k == 0 ? graphs.ditFirst() : graphs.ditLater();
        Map<String, float[]> outputs = dit.run(Map.of(
                "x", GraphStep.Input.of(x, 1, graphs.latentChannels(), latents, graphs.latentHeight(),
                        graphs.latentWidth()),
                "lq_tokens", GraphStep.Input.of(tokens, 1, tokens.length / graphs.tokenDim(), graphs.tokenDim()),
                "t_positions", GraphStep.Input.ofLongs(positions, latents)), state);
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

    /** The LQ projector's tokens for chunk k: [latents x tokens per latent x dim], frame-major. */
    private float[] projectorTokens(int k) throws EngineException {
        List<float[]> parts = new ArrayList<>();
        int start;
        if (k == 0) {
            List<float[]> first = graphs.lqProjector().firstCallInputs(inputs.get(0));
            Map<String, GraphStep.Input> feeds = new TreeMap<>();
            feeds.put(LqProjectorGraph.VIDEO, GraphStep.Input.of(first.get(0), graphs.lqProjector().videoShape()));
            for (int s = 0; s < graphs.lqProjector().states().size(); s++) {
                var st = graphs.lqProjector().states().get(s);
                state.put(st.input(), first.get(s + 1), st.shape());
            }
            graphs.lq().run(feeds, state); // fills the caches; upstream returns no tokens
            start = 1;
        } else {
            start = ChunkSchedule.inputsFor(k) - ChunkSchedule.CHUNK_INPUTS;
        }
        int end = ChunkSchedule.inputsFor(k);
        for (int f = start; f < end; f += ChunkSchedule.FRAMES_PER_LATENT) {
            float[] video = stack(f, ChunkSchedule.FRAMES_PER_LATENT);
            parts.add(graphs.lq().run(Map.of(LqProjectorGraph.VIDEO,
                    GraphStep.Input.of(video, graphs.lqProjector().videoShape())), state).get(LqProjectorGraph.TOKENS));
        }
        return concat(parts);
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
        int plane = graphs.latentHeight() * graphs.latentWidth();
        int channels = graphs.latentChannels();
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
        int cached = 2 * graphs.kvLen(); // latent frames in the cache
        int shift = lastLatent - positionOffset - ChunkSchedule.CHUNK_LATENTS + 1 - cached;
        KeyCacheRebase rebase = new KeyCacheRebase(graphs.headDim(), graphs.ropeTimeDims(), graphs.ropeTheta(), shift);
        state.rewriteStartingWith("k_cache_", rebase::apply);
        positionOffset += shift;
    }

    /** Decodes denoised latents x [1, C, T, h, w] of chunk k into frames [3, H, W] in [0, 1]. */
    private List<float[]> decode(int k, float[] x, int latents) throws EngineException {
        int plane = graphs.latentHeight() * graphs.latentWidth();
        int channels = graphs.latentChannels();
        float[] ntchw = new float[x.length];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < latents; t++) {
                System.arraycopy(x, (c * latents + t) * plane, ntchw, (t * channels + c) * plane, plane);
            }
        }
        int condStart = ChunkSchedule.conditionStart(k);
        int condFrames = ChunkSchedule.outputEnd(k) - condStart;
        float[] cond = stack(condStart, condFrames);
        TcDecoderGraph decoder = k == 0 ? graphs.decoderFirst() : graphs.decoderLater();
        if (k == 0) {
            cond = TcDecoderGraph.padCond(cond, condFrames, graphs.height(), graphs.width(), decoder.params());
            for (var memory : decoder.states()) { // the memory before the first frame is zero
                state.put(memory.input(), new float[memory.size()], memory.shape());
            }
        }
        float[] out = (k == 0 ? graphs.decFirst() : graphs.decLater()).run(Map.of(
                TcDecoderGraph.LATENTS, GraphStep.Input.of(ntchw, decoder.latentsShape()),
                TcDecoderGraph.COND, GraphStep.Input.of(cond, decoder.condShape())), state).get(TcDecoderGraph.FRAMES);
        int frameSize = 3 * graphs.height() * graphs.width();
        int total = out.length / frameSize;
        int skip = k == 0 ? graphs.framesToTrim() : 0;
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
        int plane = graphs.height() * graphs.width();
        float[] video = new float[3 * count * plane];
        for (int t = 0; t < count; t++) {
            float[] frame = inputs.get(start + t);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(frame, c * plane, video, (c * count + t) * plane, plane);
            }
        }
        return video;
    }

    private static float[] concat(List<float[]> parts) {
        int total = parts.stream().mapToInt(p -> p.length).sum();
        float[] all = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
