package dev.flashvsr.element.testmodels;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * A test model that holds {@code delay} frames, like a streaming model with look-ahead: each
 * input is copied, and emitted (nearest-neighbour upscaled) once {@code delay} newer frames
 * arrived or at drain. With {@code failAt} > 0 it throws on that input frame; with {@code workMillis}
 * > 0 each input from the {@code slowFrom}-th on takes that long, like a backend that cannot keep up;
 * {@code openMillis} is how long opening a session takes, like a backend that loads and compiles.
 */
public final class DelayModel implements Model {
    private final int delay;
    private final int failAt;
    private final long workMillis;
    private final int slowFrom;
    private final long openMillis;

    public DelayModel(int delay, int failAt) {
        this(delay, failAt, 0, 0);
    }

    public DelayModel(int delay, int failAt, long workMillis, int slowFrom) {
        this(delay, failAt, workMillis, slowFrom, 0);
    }

    public DelayModel(int delay, int failAt, long workMillis, int slowFrom, long openMillis) {
        this.delay = delay;
        this.failAt = failAt;
        this.workMillis = workMillis;
        this.slowFrom = slowFrom;
        this.openMillis = openMillis;
    }

    @Override
    public String name() {
        return "test-delay-" + delay;
    }

    @Override
    public boolean isNeural() {
        return false;
    }

    @Override
    public Set<Integer> scales() {
        return Set.of(2, 4);
    }

    @Override
    public Backend resolveBackend(Backend requested) {
        return Backend.CPU;
    }

    @Override
    public int latencyFrames() {
        return delay;
    }

    @Override
    public StreamingSession open(StreamSpec spec, SessionOptions options) {
        sleep(openMillis);
        return new Session(spec);
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Session implements StreamingSession {
        private final StreamSpec spec;
        private final ArrayDeque<VideoFrame> held = new ArrayDeque<>();
        private int received;

        Session(StreamSpec spec) {
            this.spec = spec;
        }

        @Override
        public StreamSpec spec() {
            return spec;
        }

        @Override
        public void push(VideoFrame input, FrameSink sink) {
            received++;
            if (received == failAt) {
                throw new IllegalStateException("test model failure at frame " + failAt);
            }
            if (received >= slowFrom) {
                sleep(workMillis);
            }
            held.add(copy(input));
            while (held.size() > delay) {
                if (!emit(sink)) {
                    return;
                }
            }
        }

        @Override
        public void drain(FrameSink sink) {
            while (!held.isEmpty()) {
                if (!emit(sink)) {
                    return;
                }
            }
        }

        private boolean emit(FrameSink sink) {
            VideoFrame frame = held.poll();
            return sink.frameReady(output -> nearestUpscale(frame, output, spec.scale()));
        }

        @Override
        public void reset() {
            held.clear();
        }

        @Override
        public int latencyFrames() {
            return delay;
        }

        @Override
        public int heldFrames() {
            return held.size();
        }

        @Override
        public void close() {
            held.clear();
        }
    }

    static VideoFrame copy(VideoFrame input) {
        VideoFrame copy = VideoFrame.allocate(input.format(), input.width(), input.height());
        forEachSample(copy, (p, x, y, c) -> copy.setSample(p, x, y, c, input.sample(p, x, y, c)));
        return copy;
    }

    static void nearestUpscale(VideoFrame input, VideoFrame output, int scale) {
        forEachSample(output, (p, x, y, c) -> output.setSample(p, x, y, c,
                input.sample(p, Math.min(x / scale, input.planeWidth(p) - 1),
                        Math.min(y / scale, input.planeHeight(p) - 1), c)));
    }

    interface SampleVisitor {
        void visit(int plane, int x, int y, int channel);
    }

    static void forEachSample(VideoFrame frame, SampleVisitor visitor) {
        for (int p = 0; p < frame.format().planeCount(); p++) {
            for (int y = 0; y < frame.planeHeight(p); y++) {
                for (int x = 0; x < frame.planeWidth(p); x++) {
                    for (int c = 0; c < frame.format().pixelStride(p); c++) {
                        visitor.visit(p, x, y, c);
                    }
                }
            }
        }
    }
}
