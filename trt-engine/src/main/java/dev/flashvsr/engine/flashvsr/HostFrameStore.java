package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import java.util.HashMap;
import java.util.Map;

/**
 * A session's frames on the host: 8-bit frames converted to planar float by the CPU converter,
 * prepared for the model ({@link FramePreparation}) and held as float arrays ({@link HostFrames});
 * outputs cropped back and converted to 8 bits on the CPU. The CPU backend's path, and the
 * TensorRT backend's in upstream-reference mode (PIL's 8-bit bicubic has no GPU kernel).
 */
final class HostFrameStore implements FrameStore {
    private final FramePreparation preparation;
    private final HostFrames frames;
    private final ColorConverter converter;
    private final float[] lowRes;
    /** Upstream-reference mode's 8-bit upscales by input index, until the frame is emitted. */
    private final Map<Integer, FramePreparation.Upscaled> kept = new HashMap<>();

    HostFrameStore(StreamSpec spec, FramePreparation preparation, HostFrames frames) {
        this.preparation = preparation;
        this.frames = frames;
        this.converter = new ColorConverter(spec.colorimetry(), ChromaUpsampling.BILINEAR, 1);
        this.lowRes = new float[3 * spec.width() * spec.height()];
    }

    @Override
    public void put(int index, VideoFrame input) {
        converter.toPlanarRgb(input, lowRes, 0);
        FramePreparation.Upscaled[] keep = new FramePreparation.Upscaled[1];
        float[] modelInput = preparation.modelInput(lowRes, keep);
        if (keep[0] != null) {
            kept.put(index, keep[0]);
        }
        frames.hold(index, modelInput);
    }

    @Override
    public void repeat(int from, int index) {
        FramePreparation.Upscaled upscaled = kept.get(from);
        if (upscaled != null) {
            kept.put(index, upscaled);
        }
        frames.hold(index, frames.hostFrame(from).clone());
    }

    @Override
    public boolean emit(int i, int index, FrameSink sink) {
        float[] out = preparation.outputFrame(frames.finished().get(i), kept.remove(index));
        return sink.frameReady(destination -> converter.fromPlanarRgb(out, 0, destination));
    }

    @Override
    public float[] hostFrame(int index) {
        return frames.hostFrame(index);
    }

    @Override
    public FrameTensor stack(int[] indices) {
        return frames.stack(indices);
    }

    @Override
    public int finish(FrameTensor decoded, int skip, int firstInput) {
        return frames.finish(decoded, skip, firstInput);
    }

    @Override
    public void releaseBelow(int index) {
        frames.releaseBelow(index);
    }

    @Override
    public void clear() {
        frames.clear();
        kept.clear();
    }

    @Override
    public void close() {
        converter.close();
    }
}
