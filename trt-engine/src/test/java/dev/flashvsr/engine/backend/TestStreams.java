package dev.flashvsr.engine.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small RGB streams whose frames tell apart by their mean level, and their outputs as bytes. */
final class TestStreams {
    /** Mean levels of successive frames, out of order so that a reordering or a shift shows. */
    private static final int[] LEVELS = {64, 176, 112, 208, 40, 144, 88, 232};

    private TestStreams() {
    }

    static int maxFrames() {
        return LEVELS.length;
    }

    /**
     * Frame {@code index} of a stream: texture within +-12 levels of its own mean level; the same
     * index always gives the same frame.
     */
    static VideoFrame frame(int width, int height, int index) {
        VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, width, height);
        Random texture = new Random(index);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    frame.setSample(0, x, y, c, LEVELS[index] + texture.nextInt(25) - 12);
                }
            }
        }
        return frame;
    }

    static double meanLevel(int index) {
        return LEVELS[index];
    }

    /** The outputs a session emitted, as packed RGB bytes, in emission order. */
    static final class Outputs implements FrameSink {
        private final StreamSpec spec;
        private final List<byte[]> frames = new ArrayList<>();

        Outputs(StreamSpec spec) {
            this.spec = spec;
        }

        @Override
        public boolean frameReady(FrameRenderer renderer) {
            VideoFrame out = VideoFrame.allocate(spec.format(), spec.outputWidth(), spec.outputHeight());
            renderer.renderInto(out);
            int row = 3 * spec.outputWidth();
            byte[] rgb = new byte[row * spec.outputHeight()];
            for (int y = 0; y < spec.outputHeight(); y++) {
                out.plane(0).get(y * out.stride(0), rgb, y * row, row);
            }
            frames.add(rgb);
            return true;
        }

        List<byte[]> frames() {
            return frames;
        }

        int count() {
            return frames.size();
        }
    }

    /** Pushes frames {@code first} to {@code first + count - 1} and drains; returns every output. */
    static List<byte[]> run(StreamingSession session, int first, int count) throws EngineException {
        Outputs outputs = new Outputs(session.spec());
        for (int i = first; i < first + count; i++) {
            session.push(frame(session.spec().width(), session.spec().height(), i), outputs);
        }
        session.drain(outputs);
        return outputs.frames();
    }

    static double mean(byte[] frame) {
        long sum = 0;
        for (byte b : frame) {
            sum += b & 0xff;
        }
        return (double) sum / frame.length;
    }

    /** Mean absolute difference in 8-bit levels. */
    static double meanAbsDiff(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return (double) sum / a.length;
    }
}
