package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.StreamSpec;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The five graphs of one FlashVSR stream on one runtime (ONNX Runtime on the CPU, TensorRT on a
 * GPU), with the stream's state: what {@link ChunkRunner} calls per chunk. The chunk schedule and
 * noise stay in the runner, the same for every runtime; the frames are where the runtime keeps them
 * ({@link #deviceFrames}, else on the host).
 */
public interface ChunkGraphs extends AutoCloseable {
    FlashVsrLayout layout();

    /** The stream's state, which every run reads and updates. */
    StateStore state();

    /**
     * Runs the LQ projector on one step's frames ({@code video}, the layout's projector video shape,
     * wherever they are); with {@code tokenSlot >= 0} its tokens become part {@code tokenSlot} of the
     * next DiT call's {@code lq_tokens}, else they are dropped.
     */
    void project(FrameTensor video, int tokenSlot) throws EngineException;

    /**
     * Runs the DiT of chunk 0 ({@code firstChunk}) or of a later chunk on noise latents {@code x}
     * [1, C, T, h, w], the tokens projected since the last call, and RoPE {@code positions} [T], then
     * the one step x0 = x - noise_pred, giving the decoder's latents [1, T, C, h, w]. On the host the
     * DiT's outputs other than state ({@code noise_pred} and any probes) go to {@code ditOutputs} when it
     * is not null (calibration's probes); a runtime on a GPU leaves the latents there and takes no
     * observer, since the DiT's outputs never come to the host.
     */
    DecoderLatents denoise(boolean firstChunk, float[] x, long[] positions,
            Consumer<Map<String, float[]>> ditOutputs) throws EngineException;

    /**
     * Runs the decoder of chunk 0 or of a later chunk on latents and conditioning frames wherever they
     * are; returns its frames [1, T, 3, H, W] in [0, 1] where the conditioning frames were.
     */
    FrameTensor decode(boolean firstChunk, DecoderLatents latents, FrameTensor cond) throws EngineException;

    /**
     * A frame store that keeps a session's frames from upload to download where these graphs run,
     * for sessions of {@code spec} with model frames of {@code modelWidth x modelHeight} (the
     * upscaled frame padded right and down) and {@code colorFix}; empty where frames stay on the host.
     */
    default Optional<FrameStore> deviceFrames(StreamSpec spec, int modelWidth, int modelHeight,
            DiffusionOptions.ColorFix colorFix) throws EngineException {
        return Optional.empty();
    }

    /** Forgets the state and any projected tokens: the next chunk is a stream's first. */
    void reset();

    @Override
    void close();
}
