package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.flashvsr.pixels.ColorFix;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A stream's frames as float arrays on the host: held inputs [3, H, W] in [-1, 1] by index, and
 * the last chunk's outputs, colour-fixed against their inputs (when a {@link ColorFix} is given)
 * and clamped.
 */
final class HostFrames implements StreamFrames {
    private final int height;
    private final int width;
    private final ColorFix colorFix;
    private final TreeMap<Integer, float[]> inputs = new TreeMap<>();
    private List<float[]> finished = List.of();

    HostFrames(FlashVsrLayout layout, ColorFix colorFix) {
        this.height = layout.height();
        this.width = layout.width();
        this.colorFix = colorFix;
    }

    /** Holds {@code frame} as input {@code index}. */
    void hold(int index, float[] frame) {
        if (frame.length != 3 * height * width) {
            throw new IllegalArgumentException("frame has " + frame.length + " values, expected 3x" + height + "x"
                    + width);
        }
        inputs.put(index, frame);
    }

    /** The last chunk's output frames [3, H, W] in [-1, 1]. */
    List<float[]> finished() {
        return finished;
    }

    /** Held input {@code index} itself (not a copy). */
    @Override
    public float[] hostFrame(int index) {
        return inputs.get(index);
    }

    /** Frames as one video [3, count, H, W] (channel-major, NCTHW without N). */
    @Override
    public FrameTensor stack(int[] indices) {
        int plane = height * width;
        int count = indices.length;
        float[] video = new float[3 * count * plane];
        for (int t = 0; t < count; t++) {
            float[] frame = inputs.get(indices[t]);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(frame, c * plane, video, (c * count + t) * plane, plane);
            }
        }
        return new FrameTensor.Host(video);
    }

    @Override
    public int finish(FrameTensor decoded, int skip, int firstInput) {
        float[] out = decoded.hostValues();
        int frameSize = 3 * height * width;
        int total = out.length / frameSize;
        List<float[]> frames = new ArrayList<>(total - skip);
        for (int f = skip; f < total; f++) {
            float[] frame = new float[frameSize];
            System.arraycopy(out, f * frameSize, frame, 0, frameSize);
            frames.add(frame);
        }
        for (int i = 0; i < frames.size(); i++) {
            float[] frame = frames.get(i);
            for (int j = 0; j < frame.length; j++) {
                frame[j] = frame[j] * 2 - 1;
            }
            if (colorFix != null) {
                colorFix.apply(frame, inputs.get(firstInput + i), frame); // clamps to [-1, 1] too
            } else {
                for (int j = 0; j < frame.length; j++) {
                    frame[j] = Math.max(-1f, Math.min(1f, frame[j]));
                }
            }
        }
        finished = frames;
        return frames.size();
    }

    @Override
    public void releaseBelow(int index) {
        inputs.headMap(index).clear();
    }

    @Override
    public void clear() {
        inputs.clear();
        finished = List.of();
    }
}
