package dev.flashvsr.tools.eval;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a model over a clip through the engine's streaming API exactly as the element does: one
 * session per clip, opened for packed RGB at the clip's size, frames pushed in order, outputs
 * collected in order through a {@link FrameSink}, {@code drain()} at the end. A model that emits
 * more or fewer frames than it was given, or frames of the wrong size, fails the evaluation.
 */
public final class StreamRunner {

    /** The upscaled frames in input order, and the time spent in the session (push and drain). */
    public record Output(List<RgbImage> frames, long nanos) {
    }

    private StreamRunner() {
    }

    public static Output run(Model model, SessionOptions options, int scale, List<RgbImage> input)
            throws EngineException {
        if (input.isEmpty()) {
            return new Output(List.of(), 0);
        }
        int w = input.get(0).width();
        int h = input.get(0).height();
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, w, h, scale);
        List<RgbImage> outputs = new ArrayList<>(input.size());
        int[] pushed = {0};
        FrameSink sink = renderer -> {
            if (outputs.size() >= pushed[0]) {
                throw new EvalException("model " + model.name() + " emitted more frames than it was given ("
                        + (outputs.size() + 1) + " after " + pushed[0] + " inputs)");
            }
            VideoFrame out = VideoFrame.allocate(PixelFormat.RGB, spec.outputWidth(), spec.outputHeight());
            renderer.renderInto(out);
            outputs.add(toImage(out));
            return true;
        };
        long nanos;
        try (StreamingSession session = model.open(spec, options)) {
            long start = System.nanoTime();
            for (RgbImage frame : input) {
                if (frame.width() != w || frame.height() != h) {
                    throw new IllegalArgumentException("all frames of a clip must be " + w + "x" + h + ", got " + frame);
                }
                pushed[0]++;
                session.push(toFrame(frame), sink);
            }
            session.drain(sink);
            nanos = System.nanoTime() - start;
        }
        if (outputs.size() != input.size()) {
            throw new EvalException("model " + model.name() + " returned " + outputs.size() + " frames for "
                    + input.size() + " input frames (after drain)");
        }
        return new Output(List.copyOf(outputs), nanos);
    }

    /** Copies an image into a fresh packed RGB frame with GStreamer's default row stride. */
    static VideoFrame toFrame(RgbImage image) {
        int w = image.width();
        VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, w, image.height());
        ByteBuffer plane = frame.plane(0);
        int stride = frame.stride(0);
        for (int y = 0; y < image.height(); y++) {
            plane.put(y * stride, image.data(), y * w * 3, w * 3);
        }
        return frame;
    }

    /** Copies a packed RGB frame into an image. */
    static RgbImage toImage(VideoFrame frame) {
        if (frame.format() != PixelFormat.RGB) {
            throw new IllegalArgumentException("expected an RGB frame, got " + frame.format());
        }
        int w = frame.width();
        RgbImage image = new RgbImage(w, frame.height());
        ByteBuffer plane = frame.plane(0);
        int stride = frame.stride(0);
        for (int y = 0; y < frame.height(); y++) {
            plane.get(y * stride, image.data(), y * w * 3, w * 3);
        }
        return image;
    }
}
