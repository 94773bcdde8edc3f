package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import java.util.Map;

/**
 * The five graphs of one FlashVSR stream on one runtime (ONNX Runtime on the CPU, TensorRT on a
 * GPU), with the stream's state: what {@link FlashVsrStream} calls per chunk. The chunk schedule,
 * frame preparation, noise and colour fix stay in the stream, the same for every runtime.
 */
public interface ChunkGraphs extends AutoCloseable {
    FlashVsrLayout layout();

    /** The stream's state, which every run reads and updates. */
    StateStore state();

    /**
     * Runs the LQ projector on one step's frames ({@code video}, the layout's projector video shape);
     * with {@code tokenSlot >= 0} its tokens become part {@code tokenSlot} of the next DiT call's
     * {@code lq_tokens}, else they are dropped.
     */
    void project(float[] video, int tokenSlot) throws EngineException;

    /**
     * Runs the DiT of chunk 0 ({@code firstChunk}) or of a later chunk on noise latents {@code x}
     * [1, C, T, h, w], the tokens projected since the last call, and RoPE {@code positions} [T];
     * returns its outputs other than state: {@code noise_pred} (and, on the CPU, any probes).
     */
    Map<String, float[]> dit(boolean firstChunk, float[] x, long[] positions) throws EngineException;

    /** Runs the decoder of chunk 0 or of a later chunk; returns its frames [1, T, 3, H, W] in [0, 1]. */
    float[] decode(boolean firstChunk, float[] latents, float[] cond) throws EngineException;

    /** Forgets the state and any projected tokens: the next chunk is a stream's first. */
    void reset();

    @Override
    void close();
}
